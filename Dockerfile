# Build: docker build -t aligner-sync .   (docker compose up --build does it for you)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
COPY connector-config ./connector-config
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --home /app aligner-sync && mkdir -p /var/lib/aligner-sync /var/log/aligner-sync \
    && chown aligner-sync /var/lib/aligner-sync /var/log/aligner-sync
WORKDIR /app
COPY --from=build /src/target/aligner-sync.jar /app/aligner-sync.jar
COPY connector-config /app/connector-config
USER aligner-sync
ENV DATA_DIR=/var/lib/aligner-sync LOG_DIR=/var/log/aligner-sync
EXPOSE 3000
# bash, not sh: /dev/tcp is bash's (the image's sh is dash, which would call every container unhealthy).
HEALTHCHECK --interval=30s --timeout=5s CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000}"]
# connector-config/aligner-sync.sh starts the jar with the shipped JVM options (docs/benchmarks.md,
# "Footprint") and keeps the class-data archive in the data volume current: the first container of a new
# image that starts and stops cleanly writes it, later ones start about a second sooner. Give the stop time
# (docker stop -t 60; compose sets stop_grace_period): Docker's 10 s can cut a clean stop short.
ENTRYPOINT ["/bin/sh", "/app/connector-config/aligner-sync.sh"]
CMD ["run"]
