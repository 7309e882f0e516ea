#!/bin/sh
# Starts aligner-sync with the JVM options it ships with; the systemd unit, the Dockerfile and the
# README start it through this script, so the options live here once (docs/benchmarks.md, "Footprint",
# says why each is there; DocumentationTest keeps the Windows service file equal).
#
#   sh connector-config/aligner-sync.sh run [--embedded] [--config FILE]     # or any other command: status, check, ...
#
# Class-data sharing (AppCDS): a JVM that maps an archive of the classes the daemon loads starts about a
# second sooner and keeps a few MiB less resident. JDK 19+ keeps such an archive current by itself
# (-XX:+AutoCreateSharedArchive); JDK 17 cannot, so this script does the same for `run`:
#   - the archive was written for this jar, this JVM and these options: the JVM maps it (-Xshare:on refuses
#     a stale one, which is how it is checked, in a tenth of a second);
#   - it is missing or stale (a new jar, another JDK): the daemon runs without it and the JVM writes
#     ARCHIVE.new when it exits. The daemon leaves ARCHIVE.new.complete beside it only when it started every
#     part and stopped cleanly; the next start then takes ARCHIVE.new as the archive, and otherwise (a run
#     that failed at start loaded a few classes only) drops it and writes it again.
# Other commands map a current archive but never write one. Nothing about the archive keeps the daemon
# from starting: where it cannot be written or mapped, the daemon runs without it.
#
# An installation's very first start can have an archive too: `sh connector-config/aligner-sync.sh archive`
# writes one beside the jar (aligner-sync.jsa) from the class list shipped beside this script, the classes a
# start of the daemon loads, as the JDK builds its own archive. `mvn package` runs it, the Dockerfile runs it
# in the image, and an installation runs it once after copying the jar (an archive fits the jar at the path it
# was written for only). Where it fits, every start maps it and no other is written.
#
# Environment:
#   JAVA               the java to run (default: java on the PATH)
#   ALIGNER_SYNC_JAR   the jar (default: aligner-sync.jar beside this directory, else target/aligner-sync.jar)
#   ALIGNER_SYNC_CDS   the archive (default: $DATA_DIR/aligner-sync.jsa, DATA_DIR defaulting to ./data; set it
#                      when the data directory comes from data.dir in a properties file instead);
#                      "off" turns it off; -Xshare:off or an archive option of your own leave it alone too
#   ALIGNER_SYNC_CLASSLIST  the class list `archive` reads (default: aligner-sync.classlist beside this script)
#   JAVA_OPTS          more JVM options, after the shipped ones (a later option wins)
set -eu

# The shipped JVM options: serial GC, a heap grown from 16 MiB up to 256 MiB, C1 only, exit on out-of-memory.
JVM_OPTIONS="-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"

java=${JAVA:-java}
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
jar=${ALIGNER_SYNC_JAR:-}
if [ -z "$jar" ]; then
    jar=$(dirname -- "$here")/aligner-sync.jar
    [ -f "$jar" ] || jar=$(dirname -- "$here")/target/aligner-sync.jar
fi
if [ ! -f "$jar" ]; then
    echo "aligner-sync.sh: no jar at $jar: build it (mvn -q -DskipTests package) or set ALIGNER_SYNC_JAR" >&2
    exit 2
fi
archive=${ALIGNER_SYNC_CDS:-${DATA_DIR:-data}/aligner-sync.jsa}
case " ${JAVA_TOOL_OPTIONS:-} ${JDK_JAVA_OPTIONS:-} ${_JAVA_OPTIONS:-} ${JAVA_OPTS:-} " in
    # An archive of the operator's own: theirs to keep.
    *SharedArchiveFile*|*ArchiveClassesAtExit*) archive=off ;;
esac

# shellcheck disable=SC2086 # JVM_OPTIONS and JAVA_OPTS are lists of options without spaces
maps() { "$java" $JVM_OPTIONS ${JAVA_OPTS:-} "$@" -Xshare:on -XX:ErrorFile=/dev/null -cp "$jar" -version >/dev/null 2>&1; }
# Whether the JDK's own archive is mapped with exactly the options the run gets, those of JAVA_TOOL_OPTIONS,
# JDK_JAVA_OPTIONS and _JAVA_OPTIONS included (-Xshare:off, -XX:-UseSharedSpaces, no compressed class pointers, a JDK
# shipped without one): asked to write an archive without it, the JVM refuses to start at all.
# shellcheck disable=SC2086
shares() { "$java" $JVM_OPTIONS ${JAVA_OPTS:-} -XX:+PrintFlagsFinal -cp "$jar" -version 2>/dev/null | grep -q 'UseSharedSpaces *= *true'; }

# The archive of the installation (`archive`): beside the jar, written for it at that path.
built=${jar%.jar}.jsa
if [ "${1:-}" = archive ]; then
    list=${ALIGNER_SYNC_CLASSLIST:-$here/aligner-sync.classlist}
    if [ ! -f "$list" ]; then
        echo "aligner-sync.sh archive: no class list at $list: copy connector-config whole, or set ALIGNER_SYNC_CLASSLIST" >&2
        exit 1
    fi
    # A name of its own, so that two runs at once cannot publish each other's half-written file.
    tmp=$built.$$.tmp
    # Classes of the list this jar or JVM lacks are left out with a warning each: -Xlog:cds=error keeps them quiet.
    # The JVM's output is kept for when it fails (an option it does not know, no room on the disk): it says why.
    # shellcheck disable=SC2086
    if said=$("$java" $JVM_OPTIONS ${JAVA_OPTS:-} -Xshare:dump -XX:SharedClassListFile="$list" -XX:SharedArchiveFile="$tmp" \
            -Xlog:cds=error -cp "$jar" 2>&1) && mv -f -- "$tmp" "$built"; then
        echo "aligner-sync.sh archive: wrote $built for $jar and this JVM: every start of this jar maps it"
        exit 0
    fi
    rm -f -- "$tmp" 2>/dev/null || true
    printf '%s\n' "$said" | tail -n 5 >&2
    echo "aligner-sync.sh archive: the JVM could not write $built (above, what it said); the daemon runs without it" >&2
    exit 1
fi

cds=""
complete=""
fits=""
if [ "$archive" != off ] && [ -f "$built" ]; then
    if maps -XX:SharedArchiveFile="$built"; then
        fits=yes
    else
        echo "aligner-sync.sh: $built does not fit this jar, JVM or options (upgraded since it was written?): 'sh $0 archive'" \
            "writes it again" >&2
    fi
fi
if [ -n "$fits" ]; then
    cds="-XX:SharedArchiveFile=$built"
elif [ "$archive" != off ]; then
    pending=$archive.new
    if [ -f "$pending" ]; then
        if [ -f "$pending.complete" ]; then
            mv -f -- "$pending" "$archive" 2>/dev/null || true
        else
            rm -f -- "$pending" 2>/dev/null || true
        fi
        rm -f -- "$pending.complete" 2>/dev/null || true
    fi
    # Checked with the run's own options: an archive fits a heap mode (compressed pointers or not) as well as a jar and a JVM.
    if [ -f "$archive" ] && maps -XX:SharedArchiveFile="$archive"; then
        cds="-XX:SharedArchiveFile=$archive"
    elif [ "${1:-}" = run ]; then
        # Writing one needs the JDK's own archive mapped (see shares) and a writable place; running needs neither.
        if ! shares; then
            echo "aligner-sync.sh: this JVM does not share classes with these options (sharing turned off, or no archive of" \
                "its own): running without a class-data archive" >&2
        elif mkdir -p -- "$(dirname -- "$archive")" 2>/dev/null && rm -f -- "$pending" "$pending.complete" 2>/dev/null \
                && [ -w "$(dirname -- "$archive")" ]; then
            cds="-XX:ArchiveClassesAtExit=$pending"
            complete="-Daligner-sync.complete-run-file=$pending.complete"
            echo "aligner-sync.sh: no class-data archive for this jar and JVM yet: this run writes $archive when it stops" \
                "cleanly; starts after that are about a second faster ('sh $0 archive' makes one before a first start)" >&2
        else
            echo "aligner-sync.sh: cannot write the class-data archive $archive (set ALIGNER_SYNC_CDS to a writable path, or off);" \
                "running without it" >&2
        fi
    fi
fi

# -Xlog:cds=error: writing the archive lists every class it leaves out (old class file versions) as a warning.
# shellcheck disable=SC2086
exec "$java" $JVM_OPTIONS ${cds:+"$cds"} ${complete:+"$complete"} -Xlog:cds=error ${JAVA_OPTS:-} -jar "$jar" "$@"
