FROM alpine
ADD --checksum=f7b0e4ec0b8a9c1d2b8c0e7a5e5c5f1f0e0d0c0b https://github.com/moby/buildkit.git#v0.34.2 /src
ADD --checksum=f7b0e4ec https://github.com/moby/buildkit.git#f7b0e4ec /short
