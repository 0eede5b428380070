# RFC 3501 §6.3.9 LSUB (IMAP4rev1; deprecated in rev2 but still answered).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LSUB "" "*"
S*: * LSUB () "/" "INBOX"
S*: * LSUB () "/" "Drafts"
S*: * LSUB () "/" "Sent"
S*: * LSUB () "/" "Trash"
S*: * LSUB () "/" "Junk"
S*: * LSUB () "/" "Archive"
S: a2 OK ~
