{{/* Chart name, overridable. */}}
{{- define "alphadecay.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Prefix of every resource name: the release name, followed by the chart name unless it already holds it. */}}
{{- define "alphadecay.fullname" -}}
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

{{/* Name of one component's resources. Takes (dict "root" $ "component" "control-api"). */}}
{{- define "alphadecay.componentName" -}}
{{- printf "%s-%s" (include "alphadecay.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "alphadecay.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource. */}}
{{- define "alphadecay.labels" -}}
helm.sh/chart: {{ include "alphadecay.chart" . }}
app.kubernetes.io/name: {{ include "alphadecay.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: alphadecay
{{- end }}

{{/* Labels of one component's resources. Takes (dict "root" $ "component" "control-api"). */}}
{{- define "alphadecay.componentLabels" -}}
{{ include "alphadecay.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Selector of one component's pods (never changes between versions, unlike the labels above). */}}
{{- define "alphadecay.selectorLabels" -}}
app.kubernetes.io/name: {{ include "alphadecay.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "alphadecay.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "alphadecay.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* An image reference. Takes (dict "root" $ "image" .Values.controlApi.image). */}}
{{- define "alphadecay.image" -}}
{{- printf "%s:%s" .image.repository (.image.tag | default .root.Chart.AppVersion | toString) }}
{{- end }}

{{/* The trainer's image: the CUDA build on GPU nodes. */}}
{{- define "alphadecay.trainerImage" -}}
{{- $trainer := .Values.trainer }}
{{- if $trainer.gpu.enabled }}
{{- $repository := $trainer.gpu.image.repository | default $trainer.image.repository }}
{{- $tag := $trainer.gpu.image.tag | default (printf "%s-cuda" ($trainer.image.tag | default .Chart.AppVersion)) }}
{{- printf "%s:%s" $repository (toString $tag) }}
{{- else }}
{{- include "alphadecay.image" (dict "root" . "image" $trainer.image) }}
{{- end }}
{{- end }}

{{- define "alphadecay.authSecretName" -}}
{{- .Values.auth.existingSecret | default (printf "%s-auth" (include "alphadecay.fullname" .)) }}
{{- end }}

{{/* The Secret holding the database user and password: the existing one, the chart's own, or the bundled server's. */}}
{{- define "alphadecay.databaseSecretName" -}}
{{- if .Values.postgresql.enabled }}
{{- include "alphadecay.componentName" (dict "root" . "component" "postgresql") }}
{{- else if .Values.database.existingSecret }}
{{- .Values.database.existingSecret }}
{{- else }}
{{- printf "%s-database" (include "alphadecay.fullname" .) }}
{{- end }}
{{- end }}

{{- define "alphadecay.databaseUrl" -}}
{{- if .Values.postgresql.enabled }}
{{- printf "jdbc:postgresql://%s:5432/%s" (include "alphadecay.componentName" (dict "root" . "component" "postgresql")) .Values.postgresql.database }}
{{- else }}
{{- .Values.database.url }}
{{- end }}
{{- end }}

{{/*
Refuses a configuration without a database: with no ALPHADECAY_DB_URL the control-api would start an embedded
PostgreSQL inside its pod, losing every run with the pod.
*/}}
{{- define "alphadecay.validateDatabase" -}}
{{- $db := .Values.database }}
{{- if and .Values.postgresql.enabled $db.url }}
{{- fail "alphadecay: set either database.url (an external PostgreSQL) or postgresql.enabled=true (the bundled one), not both" }}
{{- end }}
{{- if not (or .Values.postgresql.enabled $db.url) }}
{{- fail "alphadecay: no database configured: set database.url (an external PostgreSQL, with database.existingSecret or database.user/password) or postgresql.enabled=true (bundled, for evaluation only)" }}
{{- end }}
{{- if $db.url }}
{{- if not (hasPrefix "jdbc:postgresql://" $db.url) }}
{{- fail (printf "alphadecay: database.url must be a JDBC URL starting with jdbc:postgresql://, got %q" $db.url) }}
{{- end }}
{{- if not (or $db.existingSecret $db.user) }}
{{- fail "alphadecay: database.url needs credentials: set database.existingSecret or database.user and database.password" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Both tokens, from the Secret, for every service. */}}
{{- define "alphadecay.tokenEnv" -}}
- name: ALPHADECAY_OPERATOR_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "alphadecay.authSecretName" . }}
      key: {{ .Values.auth.operatorTokenKey }}
- name: ALPHADECAY_SERVICE_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "alphadecay.authSecretName" . }}
      key: {{ .Values.auth.serviceTokenKey }}
{{- end }}

{{/* Environment common to the three services. Takes (dict "root" $ "port" 8080 "javaToolOptions" "..."). */}}
{{- define "alphadecay.commonEnv" -}}
- name: SERVER_PORT
  value: {{ .port | quote }}
- name: ALPHADECAY_HOME
  value: /var/lib/alphadecay
{{- with .javaToolOptions }}
- name: JAVA_TOOL_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{ include "alphadecay.tokenEnv" .root }}
{{- end }}

{{- define "alphadecay.controlApiUrl" -}}
{{- printf "http://%s:%v" (include "alphadecay.componentName" (dict "root" . "component" "control-api")) .Values.controlApi.service.port }}
{{- end }}

{{- define "alphadecay.esdUrl" -}}
{{- printf "http://%s:%v" (include "alphadecay.componentName" (dict "root" . "component" "esd-service")) .Values.esdService.service.port }}
{{- end }}

{{- define "alphadecay.trainerUrl" -}}
{{- printf "http://%s:%v" (include "alphadecay.componentName" (dict "root" . "component" "trainer-service")) .Values.trainer.service.port }}
{{- end }}

{{/* Start-up, liveness and readiness probes on Spring Boot's health groups. Takes the root context. */}}
{{- define "alphadecay.probes" -}}
startupProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: 5
  failureThreshold: {{ .Values.probes.startupFailureThreshold }}
livenessProbe:
  httpGet:
    path: /actuator/health/liveness
    port: http
  periodSeconds: {{ .Values.probes.periodSeconds }}
  failureThreshold: {{ .Values.probes.failureThreshold }}
readinessProbe:
  httpGet:
    path: /actuator/health/readiness
    port: http
  periodSeconds: {{ .Values.probes.periodSeconds }}
  failureThreshold: {{ .Values.probes.failureThreshold }}
{{- end }}

{{/*
Annotations that roll the pods when a Secret of the chart changes. Generated values come from lookup on upgrades,
so they stay the same and do not roll anything.
*/}}
{{- define "alphadecay.secretChecksums" -}}
checksum/auth: {{ include (print .Template.BasePath "/secret-auth.yaml") . | sha256sum }}
checksum/database: {{ include (print .Template.BasePath "/secret-database.yaml") . | sha256sum }}
{{- end }}

{{- define "alphadecay.podSecurity" -}}
serviceAccountName: {{ include "alphadecay.serviceAccountName" . }}
automountServiceAccountToken: false
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- end }}

{{/* Node placement. Takes a component's values. */}}
{{- define "alphadecay.placement" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* A random token or password, or the one already stored in an existing Secret (kept across upgrades). */}}
{{- define "alphadecay.keepOrGenerate" -}}
{{- $existing := lookup "v1" "Secret" .namespace .secret }}
{{- if and $existing $existing.data (hasKey $existing.data .key) }}
{{- index $existing.data .key }}
{{- else }}
{{- randAlphaNum 40 | b64enc }}
{{- end }}
{{- end }}
