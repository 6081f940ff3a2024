"""A keyring backend storing secrets in the JSON file $GOFLIT_TEST_KEYRING,
so tests can drive the real `keyring` command line tool."""
import json
import os

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    def _load(self):
        try:
            with open(os.environ["GOFLIT_TEST_KEYRING"]) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def get_password(self, service, username):
        return self._load().get(service + " " + username)

    def set_password(self, service, username, password):
        d = self._load()
        d[service + " " + username] = password
        with open(os.environ["GOFLIT_TEST_KEYRING"], "w") as f:
            json.dump(d, f)

    def delete_password(self, service, username):
        d = self._load()
        d.pop(service + " " + username, None)
        with open(os.environ["GOFLIT_TEST_KEYRING"], "w") as f:
            json.dump(d, f)
