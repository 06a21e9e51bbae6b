/**
 * Every GraphQL document the W&B adapter sends. Each one is a subset of an operation the official
 * clients send (same operation name; only fields, arguments and variables that operation uses):
 * test/adapters/wandb/documents.contract.test.ts checks that against
 * ../shared/contracts/wandb (wandb/wandb at b6e29505). The W&B schema itself is private, so
 * staying inside what the official clients ask for is the only way to be sure the server knows
 * every field we select.
 */

/**
 * Public API, wandb/apis/public/runs.py (query Runs with RunFragment). summaryMetrics,
 * historyLineCount and historyKeys are RunFragment fields too: with them a run's state is read from
 * the page itself (run-snapshot.ts), with no request of its own.
 */
export const RUNS = `query Runs($project: String!, $entity: String!, $cursor: String, $perPage: Int = 50, $order: String, $filters: JSONString) {
  project(name: $project, entityName: $entity) {
    runs(filters: $filters, after: $cursor, first: $perPage, order: $order) {
      edges {
        node {
          id
          name
          displayName
          group
          state
          createdAt
          heartbeatAt
          tags
          config
          summaryMetrics
          historyLineCount
          historyKeys
        }
        cursor
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
}`;

/** Public API, wandb/apis/public/runs.py (Run.state refresh). */
export const RUN_STATE = `query RunState($project: String!, $entity: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    run(name: $name) {
      state
    }
  }
}`;

/** wandb-core, core/api/graphql/query_run_resume_status.graphql: what a resuming writer reads. */
export const RUN_RESUME_STATUS = `query RunResumeStatus($project: String, $entity: String, $name: String!) {
  model(name: $project, entityName: $entity) {
    bucket(name: $name, missingOk: true) {
      id
      name
      summaryMetrics
      historyLineCount
      historyTail
      config
      wandbConfig(keys: ["t"])
    }
  }
}`;

/** Public API, wandb/apis/public/runs.py (Run.update): config by storage id, never creates a run. */
export const UPSERT_BUCKET_CONFIG = `mutation UpsertBucket($id: String!, $config: JSONString!) {
  upsertBucket(input: {id: $id, config: $config}) {
    bucket {
      id
      name
      config
    }
  }
}`;

/**
 * wandb-core, core/api/graphql/mutation_run.graphql, as core/internal/runupserter/runupserter.go
 * sends it when it creates a run: by name (no storage id), with group, display name, config and tags.
 * Used only for magtrack's own companion runs (companion.ts), never for a training run.
 */
export const UPSERT_BUCKET_CREATE = `mutation UpsertBucket($name: String, $project: String, $entity: String, $groupName: String, $displayName: String, $config: JSONString, $tags: [String!]) {
  upsertBucket(input: {name: $name, groupName: $groupName, modelName: $project, entityName: $entity, displayName: $displayName, config: $config, tags: $tags}) {
    bucket {
      id
      name
      config
    }
    inserted
  }
}`;

/**
 * wandb-core, core/api/graphql/mutation_run.graphql, with the fields runupserter.go sends when it
 * creates a run (group, display name, notes, job type, config, tags; by name, no storage id).
 * Used only to create magtrack's own report run (report-run.ts), never for a training run.
 */
export const UPSERT_BUCKET_CREATE_REPORT = `mutation UpsertBucket($name: String, $project: String, $entity: String, $groupName: String, $displayName: String, $notes: String, $jobType: String, $config: JSONString, $tags: [String!]) {
  upsertBucket(input: {name: $name, groupName: $groupName, modelName: $project, entityName: $entity, displayName: $displayName, notes: $notes, jobType: $jobType, config: $config, tags: $tags}) {
    bucket {
      id
      name
      config
    }
    inserted
  }
}`;

/** wandb-core, core/api/graphql/mutation_run.graphql: the notes (run description) of a run by storage id (report run only). */
export const UPSERT_BUCKET_NOTES = `mutation UpsertBucket($id: String, $notes: String) {
  upsertBucket(input: {id: $id, notes: $notes}) {
    bucket {
      id
      name
    }
  }
}`;

/** wandb-core, core/api/graphql/mutation_run.graphql: config and tags of a run by storage id (companion runs only). */
export const UPSERT_BUCKET_CONFIG_TAGS = `mutation UpsertBucket($id: String, $config: JSONString, $tags: [String!]) {
  upsertBucket(input: {id: $id, config: $config, tags: $tags}) {
    bucket {
      id
      name
      config
    }
  }
}`;

/** Public API, wandb/apis/public/runs.py (Run.history keys). */
export const RUN_HISTORY_KEYS = `query RunHistoryKeys($project: String!, $entity: String!, $name: String!) {
  project(name: $project, entityName: $entity) {
    run(name: $name) {
      historyKeys
    }
  }
}`;

/** wandb-core, core/api/graphql/query_runhistory_backend.graphql: full rows in a _step window. */
export const HISTORY_PAGE = `query HistoryPage($entity: String!, $project: String!, $run: String!, $minStep: Int64!, $maxStep: Int64!, $pageSize: Int!) {
  project(name: $project, entityName: $entity) {
    run(name: $run) {
      history(minStep: $minStep, maxStep: $maxStep, samples: $pageSize)
    }
  }
}`;

/** Public API, wandb/apis/public/files.py (Run.files with RunFilesFragment). */
export const RUN_FILES = `query RunFiles($project: String!, $entity: String!, $name: String!, $fileCursor: String, $fileLimit: Int = 50, $fileNames: [String] = []) {
  project(name: $project, entityName: $entity) {
    run(name: $name) {
      files(names: $fileNames, after: $fileCursor, first: $fileLimit) {
        edges {
          node {
            name
            directUrl
            sizeBytes
            md5
            updatedAt
          }
          cursor
        }
        pageInfo {
          endCursor
          hasNextPage
        }
      }
    }
  }
}`;

/** Python codegen, tools/graphql_codegen/artifacts/artifacts.graphql. */
export const RUN_OUTPUT_ARTIFACTS = `query RunOutputArtifacts($entity: String!, $project: String!, $run: String!, $cursor: String, $perPage: Int) {
  project(entityName: $entity, name: $project) {
    run(name: $run) {
      artifacts: outputArtifacts(after: $cursor, first: $perPage) {
        pageInfo {
          endCursor
          hasNextPage
        }
        edges {
          node {
            id
            versionIndex
            state
            artifactType {
              name
            }
            artifactSequence {
              name
              project {
                name
                entity {
                  name
                }
              }
            }
          }
        }
      }
    }
  }
}`;

/** Python codegen, tools/graphql_codegen/artifacts/artifact_files.graphql (Artifact.files()). */
export const ARTIFACT_MEMBERSHIP_FILES = `query ArtifactMembershipFiles($entity: String!, $project: String!, $collection: String!, $alias: String!, $fileNames: [String!], $cursor: String, $perPage: Int = 50) {
  project(name: $project, entityName: $entity) {
    artifactCollection(name: $collection) {
      artifactMembership(aliasName: $alias) {
        files(names: $fileNames, after: $cursor, first: $perPage) {
          pageInfo {
            endCursor
            hasNextPage
          }
          edges {
            node {
              name: displayName
              directUrl
              sizeBytes
              md5
            }
          }
        }
      }
    }
  }
}`;

/** wandb-core, core/api/graphql/mutation_create_run_files.graphql. */
export const CREATE_RUN_FILES = `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
    runID
    uploadHeaders
    files {
      name
      uploadUrl
    }
  }
}`;

/** wandb-core, core/api/graphql/mutation_mark_run_files_uploaded.graphql. */
export const MARK_RUN_FILES_UPLOADED = `mutation MarkRunFilesUploaded($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  markRunFilesUploaded(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
    success
  }
}`;

/** wandb-core, core/api/graphql/mutation_create_custom_chart.graphql (wandb.Api().create_custom_chart). */
export const CREATE_CUSTOM_CHART = `mutation CreateCustomChart($entity: String!, $chartName: String!, $displayName: String!, $chartType: String!, $access: String!, $spec: JSONString!) {
  createCustomChart(input: {entity: $entity, name: $chartName, displayName: $displayName, type: $chartType, access: $access, spec: $spec}) {
    chart {
      id
    }
  }
}`;

/**
 * wandb-core, core/api/graphql/mutation_alert.graphql, sent verbatim as core/internal/stream/sender.go
 * sendAlert sends it for wandb.Run.alert(): severity AlertSeverity (INFO | WARN | ERROR,
 * core/internal/gql/gql_gen.go), waitDuration a Duration bound to int64 milliseconds
 * (core/api/graphql/genqlient.yaml; wandb/sdk/wandb_run.py alert: int(total_seconds() * 1000)).
 */
export const NOTIFY_SCRIPTABLE_RUN_ALERT = `mutation NotifyScriptableRunAlert($entityName: String!, $projectName: String!, $runName: String!, $title: String!, $text: String!, $severity: AlertSeverity = INFO, $waitDuration: Duration) {
  notifyScriptableRunAlert(input: {entityName: $entityName, projectName: $projectName, runName: $runName, title: $title, text: $text, severity: $severity, waitDuration: $waitDuration}) {
    success
  }
}`;

export const ALL_DOCUMENTS: Readonly<Record<string, string>> = {
  RUNS,
  RUN_STATE,
  RUN_RESUME_STATUS,
  UPSERT_BUCKET_CONFIG,
  UPSERT_BUCKET_CREATE,
  UPSERT_BUCKET_CONFIG_TAGS,
  UPSERT_BUCKET_CREATE_REPORT,
  UPSERT_BUCKET_NOTES,
  RUN_HISTORY_KEYS,
  HISTORY_PAGE,
  RUN_FILES,
  RUN_OUTPUT_ARTIFACTS,
  ARTIFACT_MEMBERSHIP_FILES,
  CREATE_RUN_FILES,
  MARK_RUN_FILES_UPLOADED,
  CREATE_CUSTOM_CHART,
  NOTIFY_SCRIPTABLE_RUN_ALERT,
};
