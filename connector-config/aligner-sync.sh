#!/bin/sh
# Starts aligner-sync with the JVM options it ships with; the systemd unit, the Dockerfile and the
# README start it through this script, so the options live here once (docs/benchmarks.md, "Footprint",
# says why each is there; DocumentationTest keeps the Windows service file equal).
#
#   connector-config/aligner-sync.sh run [--embedded] [--config FILE]     # or any other command: status, check, ...
#
# Class-data sharing (AppCDS): a JVM that maps an archive of the classes the daemon loads starts about a
# second sooner and keeps a few MiB less resident. JDK 19+ keeps such an archive current by itself
# (-XX:+AutoCreateSharedArchive); JDK 17 cannot, so this script does the same for `run`:
#   - the archive was written for this jar and this JVM: the JVM maps it (-Xshare:on refuses a stale one,
#     which is how it is checked, in a tenth of a second);
#   - it is missing or stale (a new jar, another JDK): the daemon runs without it and the JVM writes it
#     when the daemon exits, at the service's next stop; the start after that maps it.
# Other commands map a current archive but never write one.
#
# Environment:
#   JAVA               the java to run (default: java on the PATH)
#   ALIGNER_SYNC_JAR   the jar (default: aligner-sync.jar beside this directory, else target/aligner-sync.jar)
#   ALIGNER_SYNC_CDS   the archive (default: $DATA_DIR/aligner-sync.jsa, DATA_DIR defaulting to ./data);
#                      "off" turns class-data sharing off
#   JAVA_OPTS          more JVM options, after the shipped ones (a later option wins)
set -eu

# The shipped JVM options: serial GC, a heap grown from 16 MiB up to 256 MiB, C1 only, exit on out-of-memory.
JVM_OPTIONS="-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"

java=${JAVA:-java}
here=$(cd "$(dirname "$0")" && pwd)
jar=${ALIGNER_SYNC_JAR:-}
if [ -z "$jar" ]; then
    jar=$(dirname "$here")/aligner-sync.jar
    [ -f "$jar" ] || jar=$(dirname "$here")/target/aligner-sync.jar
fi
if [ ! -f "$jar" ]; then
    echo "aligner-sync.sh: no jar at $jar: build it (mvn -q -DskipTests package) or set ALIGNER_SYNC_JAR" >&2
    exit 2
fi
archive=${ALIGNER_SYNC_CDS:-${DATA_DIR:-data}/aligner-sync.jsa}

cds=""
if [ "$archive" != off ]; then
    if [ -f "$archive" ] && "$java" -XX:SharedArchiveFile="$archive" -Xshare:on -cp "$jar" -version >/dev/null 2>&1; then
        cds=-XX:SharedArchiveFile=$archive
    elif [ "${1:-}" = run ]; then
        # An archive that cannot be written costs the speed-up only, never the start.
        if mkdir -p "$(dirname "$archive")" 2>/dev/null && rm -f "$archive" 2>/dev/null && [ -w "$(dirname "$archive")" ]; then
            cds=-XX:ArchiveClassesAtExit=$archive
            echo "aligner-sync.sh: no class-data archive for this jar and JVM yet: this run writes $archive when it stops;" \
                "starts after that are about a second faster" >&2
        else
            echo "aligner-sync.sh: cannot write the class-data archive $archive (set ALIGNER_SYNC_CDS to a writable path, or off);" \
                "running without it" >&2
        fi
    fi
fi

# -Xlog:cds=error: writing the archive lists every class it leaves out (old class file versions) as a warning.
# shellcheck disable=SC2086 # JVM_OPTIONS and JAVA_OPTS are lists of options without spaces
exec "$java" $JVM_OPTIONS ${cds:+"$cds"} -Xlog:cds=error ${JAVA_OPTS:-} -jar "$jar" "$@"
