package dockerfile2llb_test

//lint:file-ignore SA1019 ArgsEscaped is part of the config compared with upstream.

// The image-config comparer: both converters' Image and BaseImage are
// rendered into the same stable text (only the fields that matter for the
// built image), then diffed line by line.

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	dockerspec "github.com/moby/docker-image-spec/specs-go/v1"
)

type historyView struct {
	CreatedBy  string `json:"created_by"`
	Comment    string `json:"comment,omitempty"`
	EmptyLayer bool   `json:"empty_layer"`
	Created    string `json:"created,omitempty"`
}

type configView struct {
	Platform     string                        `json:"platform"`
	Env          []string                      `json:"Env"`
	Cmd          []string                      `json:"Cmd"`
	Entrypoint   []string                      `json:"Entrypoint"`
	ArgsEscaped  bool                          `json:"ArgsEscaped,omitempty"`
	WorkingDir   string                        `json:"WorkingDir"`
	User         string                        `json:"User"`
	Labels       map[string]string             `json:"Labels"`
	ExposedPorts []string                      `json:"ExposedPorts"`
	Volumes      []string                      `json:"Volumes"`
	Healthcheck  *dockerspec.HealthcheckConfig `json:"Healthcheck"`
	StopSignal   string                        `json:"StopSignal"`
	Shell        []string                      `json:"Shell"`
	OnBuild      []string                      `json:"OnBuild"`
	Created      string                        `json:"created,omitempty"`
	DiffIDs      int                           `json:"rootfs_layers"`
	History      []historyView                 `json:"history"`
}

func viewOf(img *dockerspec.DockerOCIImage) *configView {
	if img == nil {
		return nil
	}
	c := img.Config
	v := &configView{
		Platform:    strings.TrimRight(strings.Join([]string{img.OS, img.Architecture, img.Variant}, "/"), "/"),
		Env:         c.Env,
		Cmd:         c.Cmd,
		Entrypoint:  c.Entrypoint,
		ArgsEscaped: c.ArgsEscaped, //nolint:staticcheck // part of the config on Windows
		WorkingDir:  c.WorkingDir,
		User:        c.User,
		Labels:      c.Labels,
		Healthcheck: c.Healthcheck,
		StopSignal:  c.StopSignal,
		Shell:       c.Shell,
		OnBuild:     c.OnBuild,
		DiffIDs:     len(img.RootFS.DiffIDs),
	}
	if img.OSVersion != "" {
		v.Platform += " osversion=" + img.OSVersion
	}
	if img.Created != nil {
		v.Created = img.Created.UTC().Format("2006-01-02T15:04:05Z07:00")
	}
	for p := range c.ExposedPorts {
		v.ExposedPorts = append(v.ExposedPorts, p)
	}
	slices.Sort(v.ExposedPorts)
	for p := range c.Volumes {
		v.Volumes = append(v.Volumes, p)
	}
	slices.Sort(v.Volumes)
	for _, h := range img.History {
		hv := historyView{CreatedBy: h.CreatedBy, Comment: h.Comment, EmptyLayer: h.EmptyLayer}
		if h.Created != nil {
			hv.Created = h.Created.UTC().Format("2006-01-02T15:04:05Z07:00")
		}
		v.History = append(v.History, hv)
	}
	return v
}

// configListing renders the result image and the base image. Slices are
// printed one element a line so the diff points at the element.
func configListing(img, base *dockerspec.DockerOCIImage) string {
	var b strings.Builder
	writeView(&b, "image", viewOf(img))
	if base == nil {
		b.WriteString("base: <nil>\n")
	} else {
		writeView(&b, "base", viewOf(base))
	}
	return b.String()
}

func writeView(b *strings.Builder, prefix string, v *configView) {
	if v == nil {
		fmt.Fprintf(b, "%s: <nil>\n", prefix)
		return
	}
	dt, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(dt, &m); err != nil {
		panic(err)
	}
	for _, k := range sortedKeys(m) {
		raw := m[k]
		var list []json.RawMessage
		if k != "Labels" && json.Unmarshal(raw, &list) == nil && len(list) > 0 {
			for i, item := range list {
				fmt.Fprintf(b, "%s.%s[%d]: %s\n", prefix, k, i, item)
			}
			continue
		}
		var obj map[string]json.RawMessage
		if k == "Labels" && json.Unmarshal(raw, &obj) == nil && len(obj) > 0 {
			for _, lk := range sortedKeys(obj) {
				fmt.Fprintf(b, "%s.Labels[%q]: %s\n", prefix, lk, obj[lk])
			}
			continue
		}
		// nil and empty are the same once the config is written
		// (omitempty), so they print the same.
		if s := string(raw); s == "[]" || s == "{}" {
			raw = json.RawMessage("null")
		}
		fmt.Fprintf(b, "%s.%s: %s\n", prefix, k, raw)
	}
}
