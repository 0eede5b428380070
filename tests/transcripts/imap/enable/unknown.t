# RFC 5161 §3.1-3.2: unknown extensions are ignored; ENABLED may list nothing.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE X-UNKNOWN-EXTENSION
S: * ENABLED
S: a2 OK ~
