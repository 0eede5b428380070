# RFC 9051 §6.2.3: LOGIN needs a user name and a password: BAD otherwise.
@user alice secret
C: a1 LOGIN alice
S: a1 BAD ~
