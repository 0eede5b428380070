# RFC 9051 §6.3.6: renaming to an existing name is an error (ALREADYEXISTS, §7.1).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 RENAME Drafts Sent
S: a2 NO [ALREADYEXISTS] ~
