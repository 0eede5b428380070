# RFC 9051 §6.3.4, §7.1 ALREADYEXISTS.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE Drafts
S: a2 NO [ALREADYEXISTS] ~
