# diff: expect=error
# upstream: only lower-case "scratch" is the empty image; "Scratch" is parsed as an image reference and rejected
FROM Scratch
COPY a /a
