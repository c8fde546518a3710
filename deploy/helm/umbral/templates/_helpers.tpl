{{/* The objects' name: the release's, or release-chart when the release name lacks the chart's. */}}
{{- define "umbral.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What selects this release's pods: never change it on an installed release (selectors are immutable). */}}
{{- define "umbral.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Every object's labels. */}}
{{- define "umbral.labels" -}}
{{ include "umbral.selectorLabels" . }}
app.kubernetes.io/part-of: umbral
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The image, its tag defaulting to the chart's appVersion. */}}
{{- define "umbral.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The ConfigMap's data: the directories the volumes set, then the values' settings, as strings. */}}
{{- define "umbral.settings" -}}
{{- $settings := dict "UMBRAL_DATA_DIR" .Values.data.mountPath -}}
{{- if .Values.artifacts.enabled -}}
{{- $_ := set $settings "UMBRAL_ARTIFACTS_DIR" .Values.artifacts.mountPath -}}
{{- end -}}
{{- range $name, $value := .Values.settings -}}
{{- $_ := set $settings $name (toString $value) -}}
{{- end -}}
{{- toYaml $settings -}}
{{- end -}}
