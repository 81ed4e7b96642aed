# The same steps as .ci/run: Debian packages, `npm ci` (builds the native addon through the
# install hook), then the tests as the default command.
FROM node:20-bookworm

# Same list as APT_PACKAGES in .ci/run.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      cmake \
      g++ \
      make \
      python3 \
      iproute2 \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /ikegate
COPY . .
RUN npm ci && npm run build

CMD ["npm", "test"]
