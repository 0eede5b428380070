# RFC 5256 §3 THREAD: REFERENCES (links by References/In-Reply-To, a dummy parent for a
# missing message, subject merge of step 5) and ORDEREDSUBJECT; the response form of §4.
@user alice secret
@append alice INBOX t1.eml
@append alice INBOX t2.eml
@append alice INBOX t3.eml
@append alice INBOX t4.eml
@append alice INBOX t5.eml
@append alice INBOX t6.eml
@append alice INBOX t7.eml
@append alice INBOX t8.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A285 THREAD REFERENCES UTF-8 ALL
S: * THREAD (1 (2 3)(5))(4 6)((7)(8))
S: A285 OK THREAD completed
C: A283 THREAD ORDEREDSUBJECT UTF-8 ALL
S: * THREAD (1 (2)(3)(5))(4 6)(7 8)
S: A283 OK THREAD completed
C: A284 THREAD ORDEREDSUBJECT US-ASCII TEXT "gewp"
S: * THREAD
S: A284 OK THREAD completed
C: a3 UID THREAD REFERENCES UTF-8 NOT 2
S: * THREAD (1 (3)(5))(4 6)((7)(8))
S: a3 OK UID THREAD completed
C: a4 THREAD XYZ UTF-8 ALL
S: a4 BAD ~
