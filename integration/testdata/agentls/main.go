// Command agentls lists the keys of the SSH agent at $SSH_AUTH_SOCK, one
// "SHA256:<fingerprint> <comment>" line per key, as `ssh-add -l` would. The
// integration tests build it statically and run it inside a RUN step, to
// prove a forwarded agent answers (busybox has no ssh-add).
package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

const (
	requestIdentities = 11 // SSH_AGENTC_REQUEST_IDENTITIES
	identitiesAnswer  = 12 // SSH_AGENT_IDENTITIES_ANSWER
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "agentls:", err)
		os.Exit(1)
	}
}

func run() error {
	sock := os.Getenv("SSH_AUTH_SOCK")
	if sock == "" {
		return errors.New("SSH_AUTH_SOCK is not set")
	}
	conn, err := net.DialTimeout("unix", sock, 5*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	// A message is a uint32 length, then a type byte and its payload.
	if _, err := conn.Write([]byte{0, 0, 0, 1, requestIdentities}); err != nil {
		return err
	}
	var n uint32
	if err := binary.Read(conn, binary.BigEndian, &n); err != nil {
		return err
	}
	if n == 0 || n > 1<<20 {
		return fmt.Errorf("bad reply length %d", n)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(conn, msg); err != nil {
		return err
	}
	if msg[0] != identitiesAnswer {
		return fmt.Errorf("reply type %d, want %d", msg[0], identitiesAnswer)
	}
	msg = msg[1:]
	count, err := takeUint32(&msg)
	if err != nil {
		return err
	}
	for i := uint32(0); i < count; i++ {
		blob, err := takeString(&msg)
		if err != nil {
			return err
		}
		comment, err := takeString(&msg)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(blob)
		fmt.Printf("SHA256:%s %s\n", base64.RawStdEncoding.EncodeToString(sum[:]), comment)
	}
	return nil
}

func takeUint32(b *[]byte) (uint32, error) {
	if len(*b) < 4 {
		return 0, errors.New("short reply")
	}
	v := binary.BigEndian.Uint32(*b)
	*b = (*b)[4:]
	return v, nil
}

func takeString(b *[]byte) ([]byte, error) {
	n, err := takeUint32(b)
	if err != nil {
		return nil, err
	}
	if uint32(len(*b)) < n {
		return nil, errors.New("short reply")
	}
	s := (*b)[:n]
	*b = (*b)[n:]
	return s, nil
}
