# syntax=docker/dockerfile:1.7
#
# One Dockerfile for every Skein app. Each image is `<registry>/<app>:<version>`, as
# `skein install` references them:
#
#   docker build --build-arg APP=destination -t ghcr.io/skein-mesh/destination:0.1.0 .
#   docker build --build-arg APP=identity    -t ghcr.io/skein-mesh/identity:0.1.0 .
#   docker build --target proxy              -t ghcr.io/skein-mesh/proxy:0.1.0 .
#
# APP is a directory under apps/ (destination, identity, proxy-injector, sp-validator,
# heartbeat, cli, ...). The proxy image also carries proxy-init and linkerd-await at the paths
# the injector uses (/usr/lib/linkerd/...).

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: install every workspace, build the apps and the packages they use, drop dev deps ---
FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV CI=true NODE_ENV=production
COPY . .
# Scripts stay off: the base image already has Node 24, so the pinned `node` dev dependency
# must not download another one.
RUN npm ci --include=dev --ignore-scripts --no-audit --no-fund \
 && npx turbo run build --filter='./apps/*' \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf packages/*/src packages/*/test packages/*/bench apps/*/src apps/*/test examples docs .git \
 && chmod 0755 apps/*/dist/main.js docker/linkerd-await.mjs

# --- runtime: the built workspace, owned by root, read-only for the app user ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/packages ./packages
COPY --from=build /src/apps ./apps

# --- proxy: skein-proxy, with skein-proxy-init (iptables) and linkerd-await ---
FROM runtime AS proxy
RUN apt-get update \
 && apt-get install -y --no-install-recommends iptables libcap2-bin \
 && setcap cap_net_admin,cap_net_raw+eip /usr/sbin/xtables-nft-multi \
 && setcap cap_net_admin,cap_net_raw+eip /usr/sbin/xtables-legacy-multi \
 && apt-get purge -y libcap2-bin && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/docker/linkerd-await.mjs /usr/lib/linkerd/linkerd-await
RUN ln -s /app/apps/proxy-init/dist/main.js /usr/lib/linkerd/linkerd2-proxy-init \
 && ln -s /app/apps/proxy/dist/main.js /usr/lib/linkerd/linkerd2-proxy
USER 2102:2102
ENTRYPOINT ["node", "/usr/lib/linkerd/linkerd2-proxy"]

# --- app (default): one Skein app chosen with --build-arg APP=<dir under apps/> ---
FROM runtime AS app
ARG APP
RUN test -n "${APP}" || { echo 'set --build-arg APP=<app>, e.g. APP=destination' >&2; exit 1; } \
 && test -f "/app/apps/${APP}/dist/main.js" || { echo "no app ${APP} under apps/" >&2; exit 1; } \
 && ln -s "/app/apps/${APP}/dist/main.js" /usr/local/bin/skein-app
USER 2103:2103
ENTRYPOINT ["node", "/usr/local/bin/skein-app"]
