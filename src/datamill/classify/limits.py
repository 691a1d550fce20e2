"""The size and time limits of classify.md, in one place (no heavy imports)."""

#: CL-5: the largest image the HTTP API accepts, in bytes, and in pixels (decompression bombs).
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: CL-5: the time limit for fetching an image URL in the HTTP API.
API_FETCH_TIMEOUT = 5.0
#: CL-2: the command line's limit for any image source (a URL, a file or stdin) and its time
#: limit for a URL.
MAX_SOURCE_BYTES = 20 * 1024 * 1024
FETCH_TIMEOUT = 30.0
#: Smaller than this on either side there is nothing left to classify (CL-7's 1×1 image).
MIN_SIDE = 16
