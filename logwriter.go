package main

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// flushEvery is how long a log line may wait in memory before it is
// written.
const flushEvery = 100 * time.Millisecond

// bufferedLog is the server's log output. One line per request at info
// costs a write system call each when written straight to stderr (15-20%
// of the emulator's throughput on the hot endpoints); here lines collect in
// memory and reach the terminal every flushEvery, when the buffer fills,
// and at exit, so a line is never lost and never late by more than that.
type bufferedLog struct {
	mu   sync.Mutex
	w    *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

func newBufferedLog(w io.Writer) *bufferedLog {
	b := &bufferedLog{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go b.flushLoop()
	return b
}

// Write buffers one log record (slog writes each record in one call).
func (b *bufferedLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.w.Write(p)
}

func (b *bufferedLog) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	_ = b.w.Flush()
}

func (b *bufferedLog) flushLoop() {
	defer close(b.done)
	t := time.NewTicker(flushEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			b.flush()
		case <-b.stop:
			b.flush()
			return
		}
	}
}

// Close writes what is buffered and stops the flushing.
func (b *bufferedLog) Close() {
	close(b.stop)
	<-b.done
}
