package com.alignersync.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar aligner-sync.jar}. */
@Command(
        name = "aligner-sync",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Carries doctors' edits from the Supabase aligner portal back into the clinic's SQL Server.",
        subcommands = {RunCommand.class, InitCommand.class, CheckCommand.class, StatusCommand.class, PollCommand.class,
                ReconcileCommand.class, VerifyCommand.class, TraceCommand.class, OffsetsCommand.class, DeadLettersCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"aligner-sync " + (version == null ? "(development build)" : version)};
        }
    }
}
