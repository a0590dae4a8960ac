// Renders an Ollama chat template the way Ollama does, with Go's own text/template, for the tests.
//
//	go run render.go TEMPLATE_FILE < chat.json
//
// chat.json is a list of {"role": ..., "content": ...}. As Ollama's template package does before executing a
// template: the system messages are joined into .System, consecutive messages of one role are merged with a
// blank line, and missing keys render as zero values. Recent Ollama versions add functions (currentDate, ...)
// that older ones lack; only "json" is defined here, so a template that uses another one fails to parse.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"text/template"
)

type message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

func collate(chat []message) (string, []*message) {
	var system []string
	var merged []*message
	for i := range chat {
		if chat[i].Role == "system" {
			system = append(system, chat[i].Content)
		}
		if len(merged) > 0 && merged[len(merged)-1].Role == chat[i].Role && chat[i].Role != "tool" {
			merged[len(merged)-1].Content += "\n\n" + chat[i].Content
		} else {
			merged = append(merged, &chat[i])
		}
	}
	return strings.Join(system, "\n\n"), merged
}

func main() {
	text, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var chat []message
	if err := json.NewDecoder(os.Stdin).Decode(&chat); err != nil {
		fail(err)
	}
	funcs := template.FuncMap{"json": func(v any) string { b, _ := json.Marshal(v); return string(b) }}
	tmpl, err := template.New("").Option("missingkey=zero").Funcs(funcs).Parse(string(text))
	if err != nil {
		fail(err)
	}
	system, messages := collate(chat)
	values := map[string]any{"System": system, "Messages": messages, "Tools": nil, "Response": "", "Think": false}
	if err := tmpl.Execute(os.Stdout, values); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
