"""`python -m casework.crypto`: print a new key file, without needing a configured app."""

from casework.crypto.keyfile import generate_key_file_text

print(generate_key_file_text(), end="")
