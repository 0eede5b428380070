# RFC 9051 §6.4.5: <origin.count> partial fetch; the response names only the origin.
# A partial range past the end returns what there is; origin past the end is empty.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 BODY.PEEK[]<0.20>
S: * 1 FETCH (BODY[]<0> {20}
S: Date: Mon, 7 Feb 199)
S: a3 OK ~
C: a4 FETCH 1 BODY.PEEK[TEXT]<6.1000>
S: * 1 FETCH (BODY[TEXT]<6> {49}
S: Joe, do you think we can meet at 3:30 tomorrow?
S: )
S: a4 OK ~
C: a5 FETCH 1 BODY.PEEK[TEXT]<5000.10>
S: * 1 FETCH (BODY[TEXT]<5000> {0}
S: )
S: a5 OK ~
