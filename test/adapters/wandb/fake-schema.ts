/**
 * The part of the W&B GraphQL schema the fake server implements. The real schema is private
 * (see ../shared/contracts/wandb/SOURCE.txt); this subset follows the field types in the official
 * operations. Executing documents against it means a selection the fake does not know fails the
 * way the real server fails: a GraphQL `errors` entry.
 *
 * Scalar types of the JSON-ish fields (the table in docs/wandb.md; checked by scalars.contract.test.ts
 * against test/fixtures/wandb/scalar-types.json):
 * - JSONString = a string holding JSON. wandb-core binds it to Go `string`
 *   (core/api/graphql/genqlient.yaml bindings), e.g. core/internal/gql/gql_gen.go
 *   RunResumeStatusModelProjectBucketRun.{SummaryMetrics,HistoryTail,Config,WandbConfig} *string and
 *   HistoryPageProjectRun.History []string; the public client json.loads config, summaryMetrics
 *   and systemMetrics (wandb/apis/public/runs.py _convert_to_dict) and each history line
 *   (runs.py Run._full_history).
 * - JSON = any JSON value, sent parsed. wandb-core binds it to `interface{}` (genqlient.yaml; e.g.
 *   gql_gen.go SampledHistoryPageProjectRun.SampledHistory []interface{}); the public client reads
 *   historyKeys["lastStep"] directly (runs.py Run.lastHistoryStep; wandb/sdk/verify/verify.py reads
 *   history_keys["keys"]["loss"]["previousValue"]).
 */
export const FAKE_WANDB_SDL = /* GraphQL */ `
scalar JSONString
scalar JSON
scalar Int64
# Duration: genqlient binds it to Go int64 (wandb/wandb core/api/graphql/genqlient.yaml), the
# milliseconds wandb/sdk/wandb_run.py alert() computes (int(wait_duration.total_seconds() * 1000)).
scalar Duration

type Query {
  project(name: String, entityName: String): Project
  model(name: String, entityName: String): Project
}

type Mutation {
  upsertBucket(input: UpsertBucketInput!): UpsertBucketPayload
  createRunFiles(input: CreateRunFilesInput!): CreateRunFilesPayload
  markRunFilesUploaded(input: MarkRunFilesUploadedInput!): MarkRunFilesUploadedPayload
  createCustomChart(input: CreateCustomChartInput!): CreateCustomChartPayload
  notifyScriptableRunAlert(input: NotifyScriptableRunAlertInput!): NotifyScriptableRunAlertPayload
}

type Entity { id: ID! name: String! }
type PageInfo { endCursor: String hasNextPage: Boolean! }

type Project {
  id: ID!
  internalId: ID
  name: String!
  entity: Entity
  runs(filters: JSONString, after: String, first: Int, order: String): RunConnection
  run(name: String!): Run
  bucket(name: String!, missingOk: Boolean): Run
  artifactCollection(name: String!): ArtifactCollection
}

type RunConnection { edges: [RunEdge!]! pageInfo: PageInfo! }
type RunEdge { node: Run! cursor: String! }

type Run {
  id: ID!
  name: String!
  displayName: String
  group: String
  state: String
  createdAt: String
  heartbeatAt: String
  tags: [String!]
  config: JSONString
  summaryMetrics: JSONString
  systemMetrics: JSONString
  historyLineCount: Int
  historyTail: JSONString
  wandbConfig(keys: [String!]): JSONString
  historyKeys: JSON
  history(minStep: Int64, maxStep: Int64, samples: Int): [JSONString]
  files(names: [String], after: String, first: Int, pattern: String): FileConnection
  outputArtifacts(after: String, first: Int): ArtifactConnection
  project: Project
}

type FileConnection { edges: [FileEdge!]! pageInfo: PageInfo! totalCount: Int }
type FileEdge { node: File! cursor: String }
type File {
  id: ID!
  name: String!
  displayName: String
  directUrl: String
  sizeBytes: Int64
  md5: String
  updatedAt: String
}

type ArtifactConnection { pageInfo: PageInfo! edges: [ArtifactEdge!]! totalCount: Int }
type ArtifactEdge { node: Artifact! }
type Artifact {
  id: ID!
  versionIndex: Int
  state: String
  artifactType: ArtifactType
  artifactSequence: ArtifactSequence
}
type ArtifactType { name: String! }
type ArtifactSequence { name: String! project: Project }
type ArtifactCollection { name: String! artifactMembership(aliasName: String!): ArtifactMembership }
type ArtifactMembership { files(names: [String!], after: String, first: Int): FileConnection }

input UpsertBucketInput {
  id: String
  name: String
  modelName: String
  entityName: String
  groupName: String
  description: String
  displayName: String
  notes: String
  config: JSONString
  commit: String
  host: String
  debug: Boolean
  jobProgram: String
  jobRepo: String
  jobType: String
  state: String
  sweep: String
  tags: [String!]
  summaryMetrics: JSONString
}
type UpsertBucketPayload { bucket: Run inserted: Boolean }

input CreateRunFilesInput { entityName: String! projectName: String! runName: String! files: [String!]! }
type UploadFile { name: String! uploadUrl: String }
type CreateRunFilesPayload { runID: ID! uploadHeaders: [String!]! files: [UploadFile!]! }

input MarkRunFilesUploadedInput { entityName: String! projectName: String! runName: String! files: [String!]! }
type MarkRunFilesUploadedPayload { success: Boolean }

input CreateCustomChartInput { entity: String! name: String! displayName: String! type: String! access: String! spec: JSONString! }
type CustomChart { id: ID! }
type CreateCustomChartPayload { chart: CustomChart }

# wandb/wandb core/api/graphql/mutation_alert.graphql (copied to test/fixtures/wandb/mutation_alert.graphql):
# the input fields and their types are the operation's variables ($severity: AlertSeverity = INFO,
# $waitDuration: Duration); core/internal/gql/gql_gen.go __NotifyScriptableRunAlertInput has the
# same seven fields. AlertSeverity's values: gql_gen.go AllAlertSeverity = ERROR, INFO, WARN.
enum AlertSeverity { ERROR INFO WARN }
input NotifyScriptableRunAlertInput {
  entityName: String!
  projectName: String!
  runName: String!
  title: String!
  text: String!
  severity: AlertSeverity
  waitDuration: Duration
}
# gql_gen.go NotifyScriptableRunAlert…Payload: Success bool.
type NotifyScriptableRunAlertPayload { success: Boolean! }
`;
