# RFC 2971 ID: the server answers with its own parameters (or NIL).
C: a1 ID ("name" "Thunderbird" "version" "128.0")
S: * ID ~
S: a1 OK ~
