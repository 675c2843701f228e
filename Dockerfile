# openim-exporter image: ghcr.io/openimsdk/openim-exporter:<version> (the chart's image, charts/openim-exporter).
#
# NOT BUILT HERE: the machines this project is developed and tested on run no container engine, so this file has
# never been built or run. Intended use, from the repository root:
#   docker build -t ghcr.io/openimsdk/openim-exporter:0.1.0 .
# ChartImageTest keeps its paths, user and port in line with the chart and bin/openim-exporter.

# --- build: the shaded jar, as `mvn -B -DskipTests package` makes it (the sandbox's Kafka broker jars are skipped)
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY sandbox/pom.xml sandbox/
COPY sandbox/src/main sandbox/src/main
COPY sandbox/kafka-libs sandbox/kafka-libs
COPY bench/pom.xml bench/
COPY exporter/pom.xml exporter/
COPY exporter/src/main exporter/src/main
RUN mvn -B -ntp -pl exporter -am -Dmaven.test.skip=true -Dinvoker.skip=true package

# --- runtime: a JRE, the jar and the launcher (its JVM flags: small heap, serial GC, capped metaspace)
FROM eclipse-temurin:17-jre
RUN groupadd --system --gid 10000 openim-exporter \
 && useradd --system --uid 10000 --gid 10000 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin openim-exporter
COPY --from=build /src/exporter/target/openim-exporter.jar /opt/openim-exporter/openim-exporter.jar
COPY bin/openim-exporter /opt/openim-exporter/bin/openim-exporter
ENV OPENIM_EXPORTER_JAR=/opt/openim-exporter/openim-exporter.jar
USER 10000:10000
EXPOSE 9400
ENTRYPOINT ["/opt/openim-exporter/bin/openim-exporter"]
