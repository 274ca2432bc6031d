// Command api is one of the monorepo's two services.
package main

import (
	"fmt"

	"example.com/monorepo/internal/banner"
)

func main() {
	fmt.Println(banner.Line("api"))
}
