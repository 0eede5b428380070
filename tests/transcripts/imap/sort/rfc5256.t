# RFC 5256 §3 SORT examples, on five messages built so that (SUBJECT REVERSE DATE) gives
# the RFC's `5 3 4 1 2`: base subjects a, b, b, c, c (Re:/Fwd:/[list] removed, §2.1).
@user alice secret
@append alice INBOX s1.eml date="05-Jan-2021 00:00:00 +0000"
@append alice INBOX s2.eml date="01-Jan-2021 00:00:00 +0000"
@append alice INBOX s3.eml date="03-Jan-2021 00:00:00 +0000"
@append alice INBOX s4.eml date="04-Jan-2021 00:00:00 +0000"
@append alice INBOX s5.eml date="02-Jan-2021 00:00:00 +0000"
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A283 SORT (SUBJECT REVERSE DATE) UTF-8 ALL
S: * SORT 5 3 4 1 2
S: A283 OK SORT completed
C: A284 SORT (SUBJECT) US-ASCII TEXT "not in mailbox"
S: * SORT
S: A284 OK SORT completed
C: a3 SORT (SUBJECT) UTF-8 SINCE 3-Jan-2021
S: * SORT 3 4 1
S: a3 OK SORT completed
C: a4 UID SORT (ARRIVAL) UTF-8 ALL
S: * SORT 2 5 3 4 1
S: a4 OK UID SORT completed
C: a5 SORT (DATE) UTF-8 ALL
S: * SORT 2 4 5 3 1
S: a5 OK SORT completed
C: a6 SORT (REVERSE FROM) UTF-8 ALL
S: * SORT 1 5 2 3 4
S: a6 OK SORT completed
C: a7 SORT (DISPLAYFROM) UTF-8 ALL
S: * SORT 2 3 5 4 1
S: a7 OK SORT completed
C: a8 SORT (SUBJECT) ISO-8859-15 ALL
S: a8 NO [BADCHARSET ~
C: a9 SORT (SENDER) UTF-8 ALL
S: a9 BAD ~
