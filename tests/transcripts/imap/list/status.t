# RFC 5819 LIST-STATUS: a STATUS response follows the LIST response of each selectable
# mailbox listed.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
@append alice INBOX plain2.eml flags=\Seen
C: a2 LIST "" "INBOX" RETURN (STATUS (MESSAGES UNSEEN))
S: * LIST (\HasNoChildren) "/" "INBOX"
S: * STATUS "INBOX" (MESSAGES 2 UNSEEN 1)
S: a2 OK ~
C: a3 LIST "" "%" RETURN (SPECIAL-USE STATUS (MESSAGES))
S*: * LIST (\HasNoChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Archive) "/" "Archive"
S*: * STATUS "INBOX" (MESSAGES 2)
S*: * STATUS "Drafts" (MESSAGES 0)
S*: * STATUS "Sent" (MESSAGES 0)
S*: * STATUS "Trash" (MESSAGES 0)
S*: * STATUS "Junk" (MESSAGES 0)
S*: * STATUS "Archive" (MESSAGES 0)
S: a3 OK ~
