/** The command line: {@code aligner-sync <command>}, one class per command. */
package com.alignersync.cli;
