# syntax=docker/dockerfile:1
# idcard-ocr: the custom-image deployment for PAI-EAS (our own server on 0.0.0.0:8000).
#   docker build -t idcard-ocr:0.1.0 .        (or: make image)
#   docker run --rm -p 8000:8000 idcard-ocr:0.1.0
# The models are baked in from models/ (run `make models` first) and verified against
# models/manifest.json during the build. Swap the base with --build-arg BASE_IMAGE=...
# (any Debian-like image with python3.11 as `python`, e.g. a mirror in your region).
ARG BASE_IMAGE=python:3.11-slim

# ---- build stage: resolve the pinned wheels into a virtualenv ----------------------------------
FROM ${BASE_IMAGE} AS build
# A PyPI mirror can be used, e.g. --build-arg PIP_INDEX_URL=https://mirrors.aliyun.com/pypi/simple/
ARG PIP_INDEX_URL=https://pypi.org/simple
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/venv
# requirements.txt is generated from pyproject's [project.dependencies] exactly as `make build`
# does (headless OpenCV only); setuptools<82 is not needed here (no allspark in this image).
COPY pyproject.toml ./
RUN python -c "import tomllib; deps = tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']; bad = [d for d in deps if d.split('=')[0].strip().lower() in ('opencv-python', 'opencv-contrib-python')]; assert not bad, bad; open('requirements.txt', 'w').write(chr(10).join(deps) + chr(10))" \
 && /opt/venv/bin/pip install --only-binary=:all: -r requirements.txt \
 && (/opt/venv/bin/pip uninstall -y pip setuptools wheel >/dev/null 2>&1 || true)
COPY app.py ./app/app.py
COPY processor/ ./app/processor/
COPY models/ ./models-all/
# only the served models (processor.read.engine.SERVED_MODELS) go into the image, with a
# manifest naming only them; each is checked against its sha256
RUN find /src/app -name '__pycache__' -prune -exec rm -rf {} + \
 && cd /src/app && mkdir models && /opt/venv/bin/python -c "import json, shutil; from pathlib import Path; from processor.read.engine import SERVED_MODELS; from processor.ocr.models import load_verified; src, dst = Path('/src/models-all'), Path('models'); raw = json.loads((src / 'manifest.json').read_text()); raw['models'] = {n: raw['models'][n] for n in SERVED_MODELS}; (dst / 'manifest.json').write_text(json.dumps(raw, indent=2, ensure_ascii=False)); [shutil.copy(src / e['file'], dst / e['file']) for e in raw['models'].values()]; [load_verified(dst, n) for n in SERVED_MODELS]; print('models verified:', ', '.join(SERVED_MODELS))" \
 && /opt/venv/bin/python -c "import importlib.metadata as m; gui = [d for d in ('opencv-python', 'opencv-contrib-python') if any(x.metadata['Name'].lower() == d for x in m.distributions())]; assert not gui, gui; import cv2; print('opencv', cv2.__version__, 'headless')"

# ---- runtime stage: python, the venv, the app; no compilers, no pip, no tests -----------------
FROM ${BASE_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    IDCARD_MODEL_DIR=/app/models \
    IDCARD_WORKER_THREADS=2 \
    MALLOC_ARENA_MAX=2
RUN (groupadd --system --gid 10001 idcard 2>/dev/null || addgroup -S -g 10001 idcard) \
 && (useradd --system --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin idcard \
     2>/dev/null || adduser -S -D -H -u 10001 -G idcard idcard)
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=root:root /src/app /app
WORKDIR /app
USER 10001:10001
EXPOSE 8000
# /health answers as soon as the port is open (models load before the port opens).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4).read()"]
# EAS custom images must not use 8080/9090; app.py serves on $HOST:$PORT (0.0.0.0:8000).
CMD ["python", "app.py"]
