/**
 * Stand files (`kind: Stand`): their JSON Schema, generated from the stand kinds and node
 * drivers of a catalog (stand.schema.json is written from it by `npm run schema`; a test
 * keeps them equal), and loading with every problem positioned.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { JsonSchema, JsonValue } from '../core/contracts.js';
import type { Catalog } from '../core/catalog.js';
import type { NodeSpec } from '../core/stand-kind.js';
import { InvalidInputError } from '../core/errors.js';
import { packageRoot } from '../core/files.js';
import { readYaml, validateAgainst, type SourceDocument } from '../spec/yaml-document.js';
import { standLimitsSchema, standParamsSchema } from '../spec/stand-fields.js';

export interface StandFile {
  apiVersion: 'faultline/v1';
  kind: 'Stand';
  metadata: { name: string; description?: string; labels?: Record<string, string> };
  spec: {
    /** a stand kind, or `<kind>-<suffix>` for a kind with instances */
    embedded?: string;
    /** `stand up` options of the embedded kind */
    options?: Record<string, unknown>;
    protected?: boolean;
    kubernetes?: { kubeconfig?: string; context?: string };
    s3?: { endpoint: string; region?: string; credentialsFile?: string };
    health?: string;
    metrics?: string;
    nodes?: NodeSpec;
    /** values for the scenarios' params */
    params?: Record<string, JsonValue>;
    /** blast-radius limits */
    limits?: Record<string, unknown>;
  };
}

const url = { type: 'string', pattern: '^https?://', 'x-message': 'must be an http:// or https:// URL' };

/** `embedded: local` or, for a kind with instances, `embedded: local-seaweedfs`. */
export function embeddedNamePattern(kind: { name: string; instances?: boolean }): string {
  return kind.instances ? `^${kind.name}(-[a-z0-9][a-z0-9-]*)?$` : `^${kind.name}$`;
}

function embeddedSchema(catalog: Catalog): { embedded: JsonSchema; options: JsonSchema[] } {
  const kinds = [...catalog.stands.values()];
  return {
    embedded: {
      type: 'string',
      anyOf: kinds.map((k) => ({ pattern: embeddedNamePattern(k) })),
      'x-message': `must be an embedded stand kind: ${kinds.map((k) => (k.instances ? `${k.name}[-<name>]` : k.name)).join(', ')}`,
      description: 'use a stand faultline starts itself (`faultline stand up <name>`)',
    },
    options: kinds.map((k) => ({
      if: { required: ['embedded'], properties: { embedded: { pattern: embeddedNamePattern(k) } } },
      then: { properties: { options: { description: `\`stand up ${k.name}\` options`, ...k.options } } },
    })),
  };
}

function nodesSchema(catalog: Catalog): JsonSchema {
  const drivers = [...catalog.nodeDrivers.values()];
  return {
    type: 'object',
    additionalProperties: false,
    required: ['driver'],
    properties: {
      driver: { enum: drivers.map((d) => d.driver), description: drivers.map((d) => `${d.driver}: ${d.summary}`).join('; ') },
      hosts: {
        type: 'object',
        description: 'the nodes by name; fields are substituted into command templates',
        additionalProperties: {
          type: 'object',
          properties: {
            address: { type: 'string' },
            user: { type: 'string' },
            port: { type: 'integer' },
            identityFile: { type: 'string' },
            container: { type: 'string', description: "kind: the node's container name" },
          },
          additionalProperties: { type: ['string', 'number'] },
        },
      },
      commands: {
        type: 'object',
        description:
          'command templates (ssh: run on the host, or on the runner with a local: prefix; kind: run in the node container); {{node}}, {{address}} and host fields are substituted, shell-quoted',
        additionalProperties: { type: 'string' },
      },
      ...Object.fromEntries(drivers.map((d) => [d.driver, { description: `${d.driver} node driver options`, ...d.options }])),
    },
  };
}

export function standFileSchema(catalog: Catalog): JsonSchema {
  const { embedded, options } = embeddedSchema(catalog);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://faultline.dev/schemas/stand.schema.json',
    title: 'faultline stand',
    type: 'object',
    additionalProperties: false,
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'faultline/v1' },
      kind: { const: 'Stand' },
      metadata: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', 'x-message': 'must be lower-case letters, digits and dashes' },
          description: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      spec: {
        type: 'object',
        additionalProperties: false,
        allOf: options,
        properties: {
          embedded,
          options: { type: 'object', description: '`stand up` options of the embedded stand kind' },
          protected: { type: 'boolean', description: 'scenarios with faults need --yes' },
          kubernetes: {
            type: 'object',
            additionalProperties: false,
            properties: {
              kubeconfig: { type: 'string', description: 'path; default $KUBECONFIG or ~/.kube/config' },
              context: { type: 'string', description: 'kubeconfig context; no other context is ever used' },
            },
          },
          s3: {
            type: 'object',
            additionalProperties: false,
            required: ['endpoint'],
            properties: {
              endpoint: url,
              region: { type: 'string' },
              credentialsFile: { type: 'string', description: 'JSON file with accessKeyId and secretAccessKey (mode 0600); default: the AWS SDK chain' },
            },
          },
          health: { ...url, description: 'health endpoint of the storage service' },
          metrics: { ...url, description: 'Prometheus HTTP API or /metrics URL' },
          nodes: nodesSchema(catalog),
          params: standParamsSchema,
          limits: standLimitsSchema,
        },
      },
    },
  };
}

const schemas = new WeakMap<Catalog, JsonSchema>();

function schemaOf(catalog: Catalog): JsonSchema {
  let s = schemas.get(catalog);
  if (!s) schemas.set(catalog, (s = standFileSchema(catalog)));
  return s;
}

/** Finds the stand file for a name: a path, ./stands/<name>.yaml, or the shipped stands/<name>.yaml. */
export function standFilePath(ref: string): string | undefined {
  const candidates = [ref, join('stands', `${ref}.yaml`), join(packageRoot(), 'stands', `${ref}.yaml`)];
  for (const c of candidates) if (/\.ya?ml$/.test(c) && existsSync(c)) return resolve(c);
  return undefined;
}

/** A stand file that passed the schema and the rules, with positions (for params and limits). */
export async function readStandDocument(file: string, catalog: Catalog): Promise<SourceDocument> {
  const { doc, problems } = await readYaml(file);
  if (!doc) throw new InvalidInputError(problems);
  const v = doc.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new InvalidInputError([doc.problem([], `${v === null || v === undefined ? 'holds no document' : 'is not a mapping'}; a stand file is a mapping with apiVersion, kind, metadata and spec`)]);
  }
  const schemaProblems = validateAgainst(doc, schemaOf(catalog));
  const spec = (doc.value as StandFile).spec ?? {};
  if (!schemaProblems.length && spec.embedded && (spec.s3 || spec.nodes || spec.kubernetes)) {
    schemaProblems.push(doc.problem(['spec', 'embedded'], 'an embedded stand brings its own s3, nodes and kubernetes; remove them'));
  }
  if (!schemaProblems.length && spec.options && !spec.embedded) {
    schemaProblems.push(doc.problem(['spec', 'options'], 'options are for an embedded stand; add spec.embedded'));
  }
  if (schemaProblems.length) throw new InvalidInputError(schemaProblems);
  return doc;
}

export async function loadStandFile(file: string, catalog: Catalog): Promise<StandFile> {
  return (await readStandDocument(file, catalog)).value as StandFile;
}
