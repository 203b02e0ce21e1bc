# syntax=docker/dockerfile:1.7
# The hoso image: `hoso worker` by default; `hoso db upgrade`, `hoso search-attributes`, any command.
# Build: docker build -t hoso . (the lock file is honoured: uv sync --frozen; no dev dependencies)
ARG PYTHON_VERSION=3.11
ARG UV_VERSION=0.8

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3 \
    UV_PROJECT_ENVIRONMENT=/opt/hoso
WORKDIR /src
# Dependencies first (a layer that changes only with the lock file), then the project itself.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-project
COPY . .
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
RUN groupadd --system --gid 10001 hoso \
    && useradd --system --uid 10001 --gid hoso --home-dir /var/lib/hoso --shell /usr/sbin/nologin hoso \
    && install -d -o hoso -g hoso /var/lib/hoso /var/lib/hoso/documents
COPY --from=build /opt/hoso /opt/hoso
COPY --chown=root:root procedures /opt/hoso/procedures
ENV PATH=/opt/hoso/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HOSO_ENVIRONMENT=production \
    HOSO_DATA_DIR=/var/lib/hoso \
    HOSO_PROCEDURES_DIR=/opt/hoso/procedures
USER hoso
WORKDIR /var/lib/hoso
VOLUME ["/var/lib/hoso/documents"]
ENTRYPOINT ["hoso"]
CMD ["worker"]
