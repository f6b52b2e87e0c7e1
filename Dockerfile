# The image Bitbucket runs for `- pipe: org/databricks-ml-pipe:<version>`.
#
#   npm ci && npm run build                     # bundles the pipe into dist/ on the host
#   docker build -t databricks-ml-pipe .        # copies the bundle; nothing here uses the network
#
# One stage, no RUN: the bundle has no runtime dependencies to install, so the image is the base image plus a few files. BASE_IMAGE may be
# any Node >= 20 image with a `node` user (uid 1000); the container tests pass one built from
# the test machine's own node binary.
ARG BASE_IMAGE=node:22-slim
FROM ${BASE_IMAGE}

ARG PIPE_VERSION=dev
LABEL org.opencontainers.image.title="databricks-ml-pipe" \
      org.opencontainers.image.description="Bitbucket Pipe: secretless Databricks Jobs and MLflow model-registry releases with an audit trail" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${PIPE_VERSION}"

ENV NODE_ENV=production

# Pipe metadata where Atlassian's tooling looks for it (/pipe.yml), with its README and licence.
COPY pipe.yml README.md LICENSE /
# dist/ holds only the pipe's bundle here (.dockerignore): pipe.js, package.json and the source maps
# of pipe.js and of the part embedded in it that loads on demand (scripts/lazy-bundle.mjs).
COPY dist/ /pipe/
COPY scripts/container-entry.mjs /pipe/entry.mjs

# Starts as root on purpose, and only for a moment: entry.mjs prepares the output directory in
# the mounted clone dir, then switches to the clone dir's owner or `node` (uid 1000) before any
# pipe code loads; it stays root only when that user could not write the evidence.
# hadolint ignore=DL3002
USER root
ENTRYPOINT ["node", "/pipe/entry.mjs"]
