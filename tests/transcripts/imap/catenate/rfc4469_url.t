# RFC 4469 §3: CATENATE joins TEXT parts and URL parts naming this user's messages; a URL
# that cannot be resolved is NO [BADURL url].
@user alice secret
@append alice Drafts source.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND INBOX CATENATE (TEXT {20+}
C: Subject: forward
C: 
C:  URL "/Drafts/;UID=1/;SECTION=TEXT")
S: a2 OK [APPENDUID ~
C: a3 SELECT INBOX
S: ...
S: a3 OK ~
C: a4 FETCH 1 BODY.PEEK[TEXT]
S: * 1 FETCH (BODY[TEXT] {13}
S: source body
S: )
S: a4 OK ~
C: a5 APPEND INBOX CATENATE (URL "/Drafts/;UID=7")
S: a5 NO [BADURL /Drafts/;UID=7] ~
