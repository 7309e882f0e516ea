# Build: docker build -t aligner-sync .   (docker compose up --build does it for you)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY connector-config ./connector-config
# -Darchive.skip: the class-data archive is written below, for the JVM and the path the image runs the jar with.
RUN mvn -B -q -DskipTests -Darchive.skip package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /app aligner-sync && mkdir -p /var/lib/aligner-sync /var/log/aligner-sync \
    && chown aligner-sync /var/lib/aligner-sync /var/log/aligner-sync
WORKDIR /app
COPY --from=build /src/target/aligner-sync.jar /app/aligner-sync.jar
COPY connector-config /app/connector-config
# The class-data archive of this jar and this JVM (/app/aligner-sync.jsa), so that even a container's first start
# maps one (about 0.7 s sooner). A JVM that cannot write it says why, and the image is built without it.
RUN sh /app/connector-config/aligner-sync.sh archive || true
USER aligner-sync
ENV DATA_DIR=/var/lib/aligner-sync LOG_DIR=/var/log/aligner-sync
EXPOSE 3000
# bash, not sh: /dev/tcp is bash's (the image's sh is dash, which would call every container unhealthy).
HEALTHCHECK --interval=30s --timeout=5s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000}"]
# connector-config/aligner-sync.sh starts the jar with the shipped JVM options (docs/benchmarks.md,
# "Footprint") and maps the image's class-data archive (written above); should it not fit, the first container
# that starts and stops cleanly writes one into the data volume instead. Give the stop time
# (docker stop -t 60; compose sets stop_grace_period): Docker's 10 s can cut a clean stop short.
ENTRYPOINT ["/bin/sh", "/app/connector-config/aligner-sync.sh"]
CMD ["run"]
