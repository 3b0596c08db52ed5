import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { pseudonymVariables, tableVariables, VariableValues } from '#shared/platform/config';
import { tableDeclaration } from '#shared/platform/table';
import { logicalIdOf, Section } from './section';
import type { WaymarkFunction } from './waymark-function';

export interface DataProps {
  /** The programme whose data this is: it keys the pseudonyms with the secret. */
  readonly programmeId: string;
}

/**
 * What the functions hold keys to: the one table, and the secret behind the evaluator exports'
 * pseudonyms. Both are retained: they outlive any deployment of the code that reads them.
 */
export class Data extends Section {
  readonly table: Table;
  readonly pseudonymKey: Secret;
  private readonly programmeId: string;

  constructor(scope: Construct, id: string, props: DataProps) {
    super(scope, id);
    this.programmeId = props.programmeId;

    // Built from the declaration the local runtime also uses.
    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableDeclaration.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableDeclaration.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableDeclaration.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      // Encrypted at rest with the AWS managed KMS key (aws/dynamodb): key use is logged in
      // CloudTrail, and there is no key policy or key deletion to get wrong.
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableDeclaration.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    // Evaluator exports carry a keyed pseudonym of each patient (derived from this key and the
    // programme id), never the patient's id. The key is read by the API and exports functions
    // only, and never returned by the API.
    this.pseudonymKey = new Secret(this, 'PseudonymKey', {
      description: 'Waymark pseudonymisation key: derives the patient pseudonyms in evaluator exports',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      // Deleting (or replacing) the key would change every pseudonym evaluators already hold, and
      // their earlier exports could no longer be linked with later ones.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.pseudonymKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "Not rotated on purpose: the key derives every patient's pseudonym in evaluator exports, so rotating " +
        'it would change every pseudonym and break linking exports over time. It is read only by the API and ' +
        'exports functions (grantRead) and never returned by the API.',
    });
  }

  /** The table's variable, for every function that reads it. */
  get tableVariables(): VariableValues<typeof tableVariables> {
    return { TABLE_NAME: this.table.tableName };
  }

  /** The pseudonym variables, for the functions that export. */
  get pseudonymVariables(): VariableValues<typeof pseudonymVariables> {
    return {
      // The ARN, not the key: the function reads the key at runtime (GetSecretValue).
      PSEUDONYM_SECRET_ARN: this.pseudonymKey.secretArn,
      PROGRAMME_ID: this.programmeId,
    };
  }

  /** Lets a function read the pseudonymisation key. */
  grantPseudonymKey(fn: WaymarkFunction): void {
    this.pseudonymKey.grantRead(fn.role);
  }

  /**
   * Lets a function read and write (or only read) the table and its indexes. Both grants add
   * `<table ARN>/index/*`, reviewed once here for every function that gets the table.
   */
  grantTableData(fn: WaymarkFunction, access: 'readWrite' | 'read' = 'readWrite'): void {
    if (access === 'read') {
      this.table.grantReadData(fn.role);
    } else {
      this.table.grantReadWriteData(fn.role);
    }
    const grant = access === 'read' ? 'grantReadData' : 'grantReadWriteData';
    Validations.of(fn.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalIdOf(this.table)}.Arn>/index/*]`,
      reason:
        `${grant} covers the GSIs of the one Waymark table (the index names come from ` +
        'shared/platform/table.ts); the wildcard never reaches beyond this table.',
    });
  }
}
