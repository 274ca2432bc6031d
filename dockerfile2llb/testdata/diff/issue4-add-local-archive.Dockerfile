# Local archives are unpacked unless --unpack=false.
FROM alpine
ADD rootfs.tar.gz /
ADD --unpack=false keep.tar.gz /archives/
ADD plain.txt dir/ /dest/
