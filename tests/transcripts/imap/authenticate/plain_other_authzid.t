# RFC 4616 §2: an authzid naming another user is refused unless the authcid may act for
# it (no proxy rights in Loft): NO.
@user alice secret
@user bob hunter2
C: a1 AUTHENTICATE PLAIN Ym9iAGFsaWNlAHNlY3JldA==
S: a1 NO ~
