// Command greeter prints a greeting that says which image it runs in.
package main

import (
	"fmt"
	"os"
)

func greeting(mode string) string {
	if mode == "" {
		mode = "unknown"
	}
	return fmt.Sprintf("hello from the %s image", mode)
}

func main() {
	fmt.Println(greeting(os.Getenv("GREETER_MODE")))
}
