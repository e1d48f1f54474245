// Command ferretdb-server runs FerretDB v1 on its SQLite backend: a MongoDB-wire-compatible
// server for tests and local distributed runs. It embeds the `ferretdb` package rather than
// building cmd/ferretdb because the published module cannot be `go install`ed (its version
// file is generated at release time and the proxy refuses the module's version listing).
package main

import (
	"context"
	"flag"
	"log"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27117", "TCP address to serve the MongoDB wire protocol on")
	dataDir := flag.String("data", "data", "directory of the SQLite databases")
	flag.Parse()

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/",
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := server.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}
