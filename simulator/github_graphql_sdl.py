"""The GraphQL schema the simulator serves: a strict subset of GitHub's published one (same type names, field
types, arguments and nullability), checked against ``@octokit/graphql-schema`` in
``tests/miners/test_github_graphql_query.py``. Kept apart from the resolvers in :mod:`simulator.github_graphql`."""

SDL = '''
"""An ISO-8601 encoded UTC date string."""
scalar DateTime
"""An RFC 3986, RFC 3987, and RFC 6570 (level 4) compliant URI string."""
scalar URI
"""Represents non-fractional signed whole numeric values; encoded as a string."""
scalar BigInt
"""A Git object ID."""
scalar GitObjectID

type Query {
  rateLimit(dryRun: Boolean = false): RateLimit
  repository(followRenames: Boolean = true, name: String!, owner: String!): Repository
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

enum OrderDirection { ASC DESC }
enum IssueOrderField { COMMENTS CREATED_AT UPDATED_AT }
input IssueOrder { direction: OrderDirection! field: IssueOrderField! }
enum PullRequestState { CLOSED MERGED OPEN }
enum PullRequestReviewState { APPROVED CHANGES_REQUESTED COMMENTED DISMISSED PENDING }
enum CommentAuthorAssociation {
  COLLABORATOR CONTRIBUTOR FIRST_TIMER FIRST_TIME_CONTRIBUTOR MANNEQUIN MEMBER NONE OWNER
}

type Repository {
  databaseId: Int
  issues(after: String, before: String, filterBy: IssueFilters, first: Int, labels: [String!], last: Int,
         orderBy: IssueOrder, states: [IssueState!]): IssueConnection!
  nameWithOwner: String!
  object(expression: String, oid: GitObjectID): GitObject
  pullRequests(after: String, baseRefName: String, before: String, first: Int, headRefName: String,
               labels: [String!], last: Int, orderBy: IssueOrder,
               states: [PullRequestState!]): PullRequestConnection!
  url: URI!
}

interface Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}

type User implements Actor {
  avatarUrl(size: Int): URI!
  databaseId: Int
  login: String!
  name: String
  resourcePath: URI!
  url: URI!
}

type Bot implements Actor {
  avatarUrl(size: Int): URI!
  databaseId: Int
  login: String!
  resourcePath: URI!
  url: URI!
}

type Team {
  name: String!
  slug: String!
}

union RequestedReviewer = Bot | Team | User

type ReviewRequest {
  asCodeOwner: Boolean!
  requestedReviewer: RequestedReviewer
}

type ReviewRequestConnection {
  nodes: [ReviewRequest]
  pageInfo: PageInfo!
  totalCount: Int!
}

type Label {
  color: String!
  name: String!
}

type LabelConnection {
  nodes: [Label]
  pageInfo: PageInfo!
  totalCount: Int!
}

interface GitObject {
  oid: GitObjectID!
}

type GitActor {
  email: String
  name: String
  user: User
}

type Commit implements GitObject {
  author: GitActor
  oid: GitObjectID!
}

enum IssueState { CLOSED OPEN }
input IssueFilters { since: DateTime }

type UserConnection {
  nodes: [User]
  pageInfo: PageInfo!
  totalCount: Int!
}

type IssueComment {
  author: Actor
  authorAssociation: CommentAuthorAssociation!
  body: String!
  createdAt: DateTime!
  fullDatabaseId: BigInt
  updatedAt: DateTime!
  url: URI!
}

type IssueCommentConnection {
  nodes: [IssueComment]
  pageInfo: PageInfo!
  totalCount: Int!
}

type IssueConnection {
  nodes: [Issue]
  pageInfo: PageInfo!
  totalCount: Int!
}

type Issue {
  assignees(after: String, before: String, first: Int, last: Int): UserConnection!
  author: Actor
  body: String!
  closedAt: DateTime
  comments(after: String, before: String, first: Int, last: Int): IssueCommentConnection!
  createdAt: DateTime!
  fullDatabaseId: BigInt
  labels(after: String, before: String, first: Int, last: Int): LabelConnection
  number: Int!
  state: IssueState!
  title: String!
  updatedAt: DateTime!
  url: URI!
}

type PullRequestConnection {
  nodes: [PullRequest]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestChangedFile {
  additions: Int!
  deletions: Int!
  path: String!
}

type PullRequestChangedFileConnection {
  nodes: [PullRequestChangedFile]
  pageInfo: PageInfo!
  totalCount: Int!
}

type ReviewRequestedEvent {
  actor: Actor
  createdAt: DateTime!
  requestedReviewer: RequestedReviewer
}

union PullRequestTimelineItems = ReviewRequestedEvent

enum PullRequestTimelineItemsItemType { REVIEW_REQUESTED_EVENT }

type PullRequestTimelineItemsConnection {
  filteredCount: Int!
  nodes: [PullRequestTimelineItems]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequest {
  additions: Int!
  author: Actor
  body: String!
  changedFiles: Int!
  closedAt: DateTime
  comments(after: String, before: String, first: Int, last: Int): IssueCommentConnection!
  createdAt: DateTime!
  databaseId: Int @deprecated(reason: "`databaseId` will be removed because it does not support 64-bit signed \
integer identifiers. Use `fullDatabaseId` instead. Removal on 2024-07-01 UTC.")
  deletions: Int!
  files(after: String, before: String, first: Int, last: Int): PullRequestChangedFileConnection
  fullDatabaseId: BigInt
  isDraft: Boolean!
  labels(after: String, before: String, first: Int, last: Int): LabelConnection
  mergedAt: DateTime
  mergedBy: Actor
  number: Int!
  reviewRequests(after: String, before: String, first: Int, last: Int): ReviewRequestConnection
  reviews(after: String, author: String, before: String, first: Int, last: Int,
          states: [PullRequestReviewState!]): PullRequestReviewConnection
  state: PullRequestState!
  timelineItems(after: String, before: String, first: Int, itemTypes: [PullRequestTimelineItemsItemType!],
                last: Int, since: DateTime, skip: Int): PullRequestTimelineItemsConnection!
  title: String!
  updatedAt: DateTime!
  url: URI!
}

type PullRequestReviewConnection {
  nodes: [PullRequestReview]
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestReviewCommentConnection {
  pageInfo: PageInfo!
  totalCount: Int!
}

type PullRequestReview {
  author: Actor
  authorAssociation: CommentAuthorAssociation!
  body: String!
  comments(after: String, before: String, first: Int, last: Int): PullRequestReviewCommentConnection!
  commit: Commit
  databaseId: Int @deprecated(reason: "`databaseId` will be removed because it does not support 64-bit signed \
integer identifiers. Use `fullDatabaseId` instead. Removal on 2024-07-01 UTC.")
  fullDatabaseId: BigInt
  state: PullRequestReviewState!
  submittedAt: DateTime
  url: URI!
}
'''
