"""A stand-in for a web browser, used as $BROWSER: it follows the sign-in URL through the issuer
to the callback and the success page, and notes the URL it was given in $BROWSER_SIM_LOG."""

from __future__ import annotations

import os
import sys

import httpx

url = sys.argv[1]
with open(os.environ["BROWSER_SIM_LOG"], "a", encoding="utf-8") as log:
    log.write(url + "\n")
response = httpx.get(url, follow_redirects=True, timeout=30)
sys.exit(0 if response.status_code == 200 else 1)
