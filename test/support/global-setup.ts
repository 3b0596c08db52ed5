import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '#local/dynamodb-local';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

/** Starts one in-memory DynamoDB Local for the run and stops it (and its JVM) afterwards. */
export default async function setup(project: TestProject) {
  const dynamoDb = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', dynamoDb.endpoint);
  return async () => {
    await dynamoDb.stop();
  };
}
