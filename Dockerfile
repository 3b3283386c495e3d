# One image per service: docker build --build-arg SERVICE=auth -t disqo-commerce/auth .
# (SERVICE = auth | product | cart | order | analytics | gateway; the web app uses WORKSPACE=web)
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json tsconfig.base.json tsconfig.build.json ./
COPY services ./services
COPY sdk ./sdk
COPY web ./web
COPY openapi ./openapi
COPY Makefile ./
RUN npm ci --no-audit --no-fund && make build
RUN npm prune --omit=dev

FROM node:20-bookworm-slim
ARG SERVICE=auth
ARG WORKSPACE=services/${SERVICE}
ENV NODE_ENV=production HOST=0.0.0.0 DATA_DIR=/data WORKSPACE=${WORKSPACE}
WORKDIR /app
COPY --from=build /app /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 8080
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "exec node $WORKSPACE/dist/main.js"]
