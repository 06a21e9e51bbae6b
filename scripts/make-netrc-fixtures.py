#!/usr/bin/env python3
"""Expected W&B key lookups in .netrc files, computed with Python's own netrc module the way
wandb/sdk/lib/wbauth/wbnetrc.py read_netrc_auth_with_source does (wandb/wandb b6e29505):
netloc = urlsplit(base_url).netloc; creds = netrc.netrc(path).authenticators(netloc);
key = password or None; a NetrcParseError gives None.

    python3 scripts/make-netrc-fixtures.py > test/fixtures/wandb/netrc-cases.json
"""
import json
import netrc
import os
import sys
import tempfile
from urllib.parse import urlsplit

FILES = {
    # What `wandb login --host http://wandb.local:8080` appends (wbnetrc._update_netrc).
    "login-host-port": "machine api.wandb.ai\n  login user\n  password k-cloud\n\nmachine wandb.local:8080\n  login user\n  password k-self-8080\n",
    "bare-host-only": "machine wandb.local\n  login user\n  password k-bare\n",
    "default-entry": "machine api.wandb.ai login user password k-cloud\ndefault login x password k-default\n",
    "later-entry-wins": "machine h:1 login user password first\nmachine h:1 login user password second\n",
    "quoted-and-escaped": 'machine "wandb.local:8080" login user password "k with space"\nmachine other login user password k\\"q\n',
    "comments": "# a comment line\nmachine h:1 login user password k-h1 # trailing comment\n#machine h:2 login user password hidden\nmachine h:3 login user password k-h3\n",
    "macdef": "macdef init\n  machine h:1 password inside-macro\n\nmachine h:1 login user password k-after-macro\n",
    "empty-password": 'machine h:1 login user password ""\ndefault login x password k-default\n',
    "parse-error": "machine h:1 login user password k\nbogus token here\n",
    "account-and-one-line": "machine h:1 account acc login user password k-acc\n",
    "https-default-port-written": "machine wandb.local:443 login user password k-443\nmachine wandb.local login user password k-no-port\n",
}
URLS = [
    "https://api.wandb.ai",
    "http://wandb.local:8080",
    "http://wandb.local:8080/",
    "http://wandb.local",
    "https://wandb.local:443",
    "https://wandb.local",
    "http://h:1",
    "http://h:2",
    "http://h:3",
    "http://other",
    "http://nowhere:9",
]


def lookup(text: str, url: str):
    with tempfile.NamedTemporaryFile("w", suffix=".netrc", delete=False) as f:
        f.write(text)
        path = f.name
    try:
        try:
            parsed = netrc.netrc(path)
        except netrc.NetrcParseError:
            return None
        netloc = urlsplit(url).netloc
        if not netloc:
            return None
        creds = parsed.authenticators(netloc)
        if not creds:
            return None
        _, _, password = creds
        return password or None
    finally:
        os.unlink(path)


cases = [
    {"file": name, "url": url, "key": lookup(text, url)} for name, text in FILES.items() for url in URLS
]
json.dump(
    {
        "generator": "scripts/make-netrc-fixtures.py",
        "python": sys.version.split()[0],
        "files": FILES,
        "cases": cases,
    },
    sys.stdout,
    indent=1,
)
print()
