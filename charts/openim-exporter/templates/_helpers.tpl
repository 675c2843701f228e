{{/* Names and labels, as in prometheus-community's exporter charts. */}}
{{- define "openim-exporter.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "openim-exporter.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "openim-exporter.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "openim-exporter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "openim-exporter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "openim-exporter.labels" -}}
helm.sh/chart: {{ include "openim-exporter.chart" . }}
{{ include "openim-exporter.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: openim
{{- end }}

{{- define "openim-exporter.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "openim-exporter.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "openim-exporter.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The namespace OpenIM's Services live in: the Role for the Kubernetes registry is made there. */}}
{{- define "openim-exporter.openimNamespace" -}}
{{- default .Release.Namespace .Values.discovery.kubernetes.namespace }}
{{- end }}

{{/* Can the Kubernetes registry run? Forced on, or left to OpenIM's discovery.yml (enable: kubernetes). */}}
{{- define "openim-exporter.kubernetesRegistry" -}}
{{- if and .Values.discovery.enabled (or .Values.discovery.kubernetes.enabled .Values.openim.configMap) }}true{{ end }}
{{- end }}

{{/* CRD-based objects: only when the cluster serves the API, or when forced (offline rendering sees no APIs). */}}
{{- define "openim-exporter.monitoringApi" -}}
{{- if or .Values.forceCrdApis (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}true{{ end }}
{{- end }}

{{/*
The exporter config of one workload: .Values.config with the checks that workload runs switched on or off.
Called with (dict "root" $ "component" "main|seq|logs").
*/}}
{{- define "openim-exporter.config" -}}
{{- $v := .root.Values }}
{{- $c := deepCopy $v.config }}
{{- $main := eq .component "main" }}
{{- $sharded := gt (int $v.seq.shards) 1 }}
{{- $seqHere := and $v.seq.enabled (or (and $main (not $sharded)) (and (eq .component "seq") $sharded)) }}
{{- $on := dict "discovery" (and $main $v.discovery.enabled) "kafka" (and $main $v.kafka.enabled) "seq" $seqHere "logs" (eq .component "logs") }}
{{- range $check, $enabled := $on }}
{{- $section := get $c $check | default dict }}
{{- $_ := set $section "enabled" $enabled }}
{{- $_ := set $c $check $section }}
{{- end }}
{{- if and $main $v.discovery.enabled }}
{{- $k := get $c.discovery "kubernetes" | default dict }}
{{- $_ := set $k "accessReview" (dict "enabled" $v.discovery.kubernetes.accessReview.enabled "serviceAccount" $v.discovery.kubernetes.accessReview.serviceAccount) }}
{{- /* enabled only when forced: otherwise OpenIM's discovery.yml (enable: kubernetes) decides */}}
{{- if $v.discovery.kubernetes.enabled }}{{ $_ := set $k "enabled" true }}{{ end }}
{{- with $v.discovery.kubernetes.namespace }}{{ $_ := set $k "namespace" . }}{{ end }}
{{- $_ := set $c.discovery "kubernetes" $k }}
{{- end }}
{{- if eq .component "logs" }}
{{- $paths := list }}
{{- range $v.logs.daemonset.podPaths }}{{ $paths = append $paths (tpl . $.root) }}{{ end }}
{{- $_ := set $c.logs "paths" list }}
{{- $_ := set $c.logs "podPaths" $paths }}
{{- $_ := set $c.logs "stateFile" "/var/lib/openim-exporter/logs.json" }}
{{- end }}
{{- $_ := set $c "server" (get $c "server" | default dict) }}
{{- /* the probes, Service and monitors use 9400 */}}
{{- $_ := set $c.server "port" 9400 }}
{{- toYaml $c }}
{{- end }}

{{/* Container parts every workload shares. */}}
{{- define "openim-exporter.env" -}}
- name: JAVA_OPTS
  value: {{ .Values.javaOpts | quote }}
{{- range .Values.openim.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
      optional: true
{{- end }}
{{- with .Values.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "openim-exporter.probes" -}}
ports:
  - name: http-metrics
    containerPort: 9400
    protocol: TCP
livenessProbe:
  httpGet:
    path: /-/healthy
    port: http-metrics
  initialDelaySeconds: 20
  periodSeconds: 20
  timeoutSeconds: 5
readinessProbe:
  httpGet:
    path: /-/ready
    port: http-metrics
  periodSeconds: 10
  timeoutSeconds: 5
{{- end }}

{{/* Pod parts every workload shares: pull secrets, security context, scheduling of the Deployment. */}}
{{- define "openim-exporter.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{- define "openim-exporter.volumes" -}}
- name: config
  configMap:
    name: {{ include "openim-exporter.fullname" . }}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "openim-exporter.volumeMounts" -}}
- name: config
  mountPath: /etc/openim-exporter
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end }}
