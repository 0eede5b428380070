# RFC 7377 §2: ESEARCH IN (...) answers one ESEARCH per mailbox with matches, with the
# TAG, MAILBOX and UIDVALIDITY correlators, always in UIDs.
@user alice secret
@create alice "folder1"
@create alice "folder2/banana"
@append alice folder1 simple.eml
@append alice folder2/banana simple.eml
@append alice folder2/banana plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: tag1 ESEARCH IN (mailboxes "folder1" subtree-one "folder2") RETURN (MIN COUNT) ALL
S: * ESEARCH (TAG "tag1" MAILBOX "folder1" UIDVALIDITY $v1) UID MIN 1 COUNT 1
S: * ESEARCH (TAG "tag1" MAILBOX "folder2/banana" UIDVALIDITY $v2) UID MIN 1 COUNT 2
S: tag1 OK ~
C: tag2 ESEARCH IN (mailboxes nothere) ALL
S: tag2 OK ~
C: tag3 ESEARCH ALL
S: tag3 BAD ~
