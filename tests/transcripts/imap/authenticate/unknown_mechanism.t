# RFC 9051 §6.2.2: an unsupported mechanism is NO.
@user alice secret
C: a1 AUTHENTICATE X-UNKNOWN
S: a1 NO ~
