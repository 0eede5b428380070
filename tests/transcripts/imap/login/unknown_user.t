# RFC 9051 §7.1 AUTHENTICATIONFAILED: an unknown user looks the same as a wrong password.
@user alice secret
C: a1 LOGIN mallory secret
S: a1 NO [AUTHENTICATIONFAILED] ~
