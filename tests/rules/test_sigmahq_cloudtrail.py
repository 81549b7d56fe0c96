"""SigmaHQ's 57 AWS CloudTrail rules, unmodified, each with a CloudTrail record that fires it, the
same record in another letter case, and a near miss: the rule fires on the first two and not on
the third, on SQLite and on Elasticsearch. The records are CloudTrail records as CloudWatch Logs
and EventBridge deliver them (one JSON record per line), ingested through the real aws.cloudtrail
parser and run by the real detection pass.

Every record here is composed (named so by this docstring), in the shape of the records in AWS's
CloudTrail documentation and elastic/integrations' CloudTrail test logs; the values are what each
rule's description says. Rows whose rule needs a value no real record has say so in their comment.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from govsoc.collectors import ingest_file
from govsoc.rules import detect, load_rules
from govsoc.rules.pipeline import rule_source_status
from govsoc.store.base import Query, Store

CLOUDTRAIL = "sigma/rules/cloud/aws/cloudtrail"
T0 = datetime(2026, 11, 30, 5, 0, tzinfo=UTC)
KINDS = ("hit", "case", "miss")
ACCOUNT = "111122223333"
CLI = "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.167.amzn2023.x86_64 exe/x86_64.amzn.2023"
S3_BROWSER = "S3 Browser 11.5.7 https://s3browser.com"

USER = {"type": "IAMUser", "principalId": "AIDAJ45Q7YFFAREXAMPLE", "arn": f"arn:aws:iam::{ACCOUNT}:user/alice",
        "accountId": ACCOUNT, "accessKeyId": "AKIAIOSFODNN7EXAMPLE", "userName": "alice"}
ROLE = {"type": "AssumedRole", "principalId": "AROAIDPPEZS35WEXAMPLE:deploy",
        "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/Deployer/deploy", "accountId": ACCOUNT,
        "accessKeyId": "ASIAIOSFODNN7EXAMPLE",
        "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAIDPPEZS35WEXAMPLE",
                                             "arn": f"arn:aws:iam::{ACCOUNT}:role/Deployer", "accountId": ACCOUNT,
                                             "userName": "Deployer"},
                           "attributes": {"creationDate": "2026-11-30T04:40:00Z", "mfaAuthenticated": "false"}}}
ROOT = {"type": "Root", "principalId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root", "accountId": ACCOUNT}


def instance(arn: str) -> dict[str, Any]:
    """The identity of an EC2 instance's role credentials (from its metadata service)."""
    return {"type": "AssumedRole", "principalId": "AROAEXAMPLEINSTANCE:i-0abcd1234efgh5678", "arn": arn,
            "accountId": ACCOUNT, "accessKeyId": "ASIAEXAMPLEINSTANCE",
            "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "AROAEXAMPLEINSTANCE",
                                                 "arn": f"arn:aws:iam::{ACCOUNT}:role/aws:ec2-instance",
                                                 "accountId": ACCOUNT, "userName": "aws:ec2-instance"},
                               "ec2RoleDelivery": "2.0"}}


EC2_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/aws:ec2-instance/i-0abcd1234efgh5678"


def trail(name: str, source: str, *, who: dict[str, Any] | None = None, agent: str = CLI,
          request: dict[str, Any] | None = None, response: dict[str, Any] | None = None,
          error: tuple[str, str] | None = None, **more: Any) -> dict[str, Any]:
    """A CloudTrail management event record of one API call."""
    record: dict[str, Any] = {
        "eventVersion": "1.09", "userIdentity": who or USER, "eventTime": "", "eventSource": source,
        "eventName": name, "awsRegion": "cn-north-1", "sourceIPAddress": "203.0.113.24", "userAgent": agent,
        "requestParameters": request, "responseElements": response,
        "requestID": "c9c1a2d4-6b0e-4b3a-9d8e-0f1e2d3c4b5a", "eventType": "AwsApiCall", "readOnly": False,
        "managementEvent": True, "recipientAccountId": ACCOUNT, "eventCategory": "Management"}
    if error:
        record["errorCode"], record["errorMessage"] = error
    record.update(more)
    return record


def ec2(name: str, **kw: Any) -> dict[str, Any]:
    return trail(name, "ec2.amazonaws.com", **kw)


def policy(resource: str) -> str:
    """An inline policy document as CloudTrail records it (the JSON text of the request)."""
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": [resource]}]}, indent=2)


def task(command: list[str]) -> dict[str, Any]:
    """RegisterTaskDefinition's request: one container running ``command``."""
    return {"family": "web", "networkMode": "awsvpc", "requiresCompatibilities": ["FARGATE"], "cpu": "256",
            "memory": "512", "containerDefinitions": [{"name": "web", "image": "public.ecr.aws/docker/library/alpine",
                                                       "essential": True, "command": command}]}


CONSOLE = {"MobileVersion": "No", "LoginTo": "https://console.amazonaws.cn/console/home", "MFAUsed": "No"}


def console(*, result: str = "Success", mfa: str = "No", who: dict[str, Any] | None = None,
            message: str | None = None, **more: Any) -> dict[str, Any]:
    """A console sign-in (AwsConsoleSignIn)."""
    error = ("", message) if message else None
    record = trail("ConsoleLogin", "signin.amazonaws.com", who=who, agent="Mozilla/5.0 (X11; Linux x86_64)",
                   response={"ConsoleLogin": result}, eventType="AwsConsoleSignIn",
                   additionalEventData={**CONSOLE, "MFAUsed": mfa}, **more)
    if error:
        record["errorMessage"] = message
    return record


@dataclass(frozen=True)
class Trail:
    """A rule over CloudTrail records: a record that fires it, the same in another case, a near miss."""

    rule: str
    hit: dict[str, Any]
    case: dict[str, Any]
    miss: dict[str, Any]


def same(rule: str, source: str, hit: str, case: str, miss: str, **kw: Any) -> Trail:
    """A rule on one service's actions: the action, another (or the same) in another case, and a
    neighbouring action of that service (a read, or the opposite change) as the near miss."""
    return Trail(rule, trail(hit, source, **kw), trail(case, source.upper(), **kw), trail(miss, source, **kw))


BUCKET = {"bucketName": "finance-reports", "Host": "finance-reports.s3.cn-north-1.amazonaws.com.cn"}


def versioning(status: str) -> dict[str, Any]:
    return {**BUCKET, "versioning": "", "VersioningConfiguration": {
        "Status": status, "xmlns": "http://s3.amazonaws.com/doc/2006-03-01/"}}


EXPORT = {"exportTask": {"exportTaskId": "export-i-0abcd1234efgh5678", "state": "active",
                         "instanceExport": {"instanceId": "i-0abcd1234efgh5678", "targetEnvironment": "vmware"},
                         "exportToS3": {"diskImageFormat": "vmdk", "s3Bucket": "exfil-bucket"}}}
ACCESS_KEY = {"accessKey": {"userName": "bob", "accessKeyId": "AKIAI44QH8DHBEXAMPLE", "status": "Active",
                            "createDate": "Nov 30, 2026 5:00:00 AM"}}


def rds_modify(pending: dict[str, Any]) -> dict[str, Any]:
    return trail("ModifyDBInstance", "rds.amazonaws.com",
                 request={"dBInstanceIdentifier": "orders", "applyImmediately": True},
                 response={"dBInstanceIdentifier": "orders", "dBInstanceStatus": "available",
                           "pendingModifiedValues": pending})


def rds_restore(public: bool, name: str = "RestoreDBInstanceFromDBSnapshot") -> dict[str, Any]:
    return trail(name, "rds.amazonaws.com", request={"dBInstanceIdentifier": "orders-copy",
                                                     "dBSnapshotIdentifier": "orders-2026-11-29"},
                 response={"dBInstanceIdentifier": "orders-copy", "publiclyAccessible": public})


TRAILS = [
    # a Bedrock guardrail deleted; reading one changes nothing
    same("aws_cloudtrail_bedrock_guardrail_deleted.yml", "bedrock.amazonaws.com", "DeleteGuardrail",
         "DELETEGUARDRAIL", "GetGuardrail"),
    # a guardrail updated; creating a new one weakens nothing
    same("aws_cloudtrail_bedrock_guardrail_updated.yml", "bedrock.amazonaws.com", "UpdateGuardrail",
         "updateguardrail", "CreateGuardrail"),
    # a bucket deleted (no errorCode: it succeeded); the same call refused is no deletion
    Trail("aws_cloudtrail_bucket_deleted.yml", trail("DeleteBucket", "s3.amazonaws.com", request=BUCKET),
          trail("deletebucket", "S3.amazonaws.com", request=BUCKET),
          trail("DeleteBucket", "s3.amazonaws.com", request=BUCKET,
                error=("BucketNotEmpty", "The bucket you tried to delete is not empty"))),
    # a console password refused; a successful sign-in is not a failure
    Trail("aws_cloudtrail_console_login_failed_authentication.yml",
          console(result="Failure", message="Failed authentication"),
          console(result="Failure", message="FAILED AUTHENTICATION"), console()),
    # a console sign-in without MFA (CloudTrail writes "No"); with MFA it is not
    Trail("aws_cloudtrail_console_login_success_without_mfa.yml", console(mfa="No"),
          console(mfa="NO", result="SUCCESS"), console(mfa="Yes")),
    # the trail stopped; starting it again is the opposite
    same("aws_cloudtrail_disable_logging.yml", "cloudtrail.amazonaws.com", "StopLogging", "deletetrail",
         "StartLogging", request={"name": f"arn:aws:cloudtrail:cn-north-1:{ACCOUNT}:trail/org-trail"}),
    # GuardDuty switched off (enable is a JSON false in the record); switching it on is not
    Trail("aws_cloudtrail_guardduty_detector_deleted_or_updated.yml",
          trail("UpdateDetector", "guardduty.amazonaws.com", request={"detectorId": "12abc34d567e8fa901bc2d34e56789f0",
                                                                      "enable": False}),
          trail("UPDATEDETECTOR", "GuardDuty.amazonaws.com",
                request={"detectorId": "12abc34d567e8fa901bc2d34e56789f0", "enable": False}),
          trail("UpdateDetector", "guardduty.amazonaws.com", request={"detectorId": "12abc34d567e8fa901bc2d34e56789f0",
                                                                      "enable": True})),
    # an instance's role credentials used outside SSM (the regex is case-sensitive: the case row
    # changes only what its .+ covers); the SSM agent's own call with them is filtered
    Trail("aws_cloudtrail_imds_malicious_usage.yml", ec2("DescribeInstances", who=instance(EC2_ARN)),
          ec2("describeinstances", who=instance(EC2_ARN.replace("ec2-instance/i-0abcd", "EC2-INSTANCE/I-0ABCD"))),
          trail("UpdateInstanceInformation", "ssm.amazonaws.com", who=instance(EC2_ARN))),
    # a network ACL entry added; describing ACLs changes nothing
    Trail("aws_cloudtrail_new_acl_entries.yml", ec2("CreateNetworkAclEntry"), ec2("createnetworkaclentry"),
          ec2("DescribeNetworkAcls")),
    # a route added; describing route tables changes nothing
    Trail("aws_cloudtrail_new_route_added.yml", ec2("CreateRoute"), ec2("CREATEROUTE"), ec2("DescribeRouteTables")),
    # TruffleHog's user agent (the rule compares it whole); the AWS CLI's is not it
    Trail("aws_cloudtrail_pua_trufflehog.yml", trail("ListBuckets", "s3.amazonaws.com", agent="TruffleHog"),
          trail("ListBuckets", "s3.amazonaws.com", agent="TRUFFLEHOG"), trail("ListBuckets", "s3.amazonaws.com")),
    # a region opted in; opting one out is the opposite
    same("aws_cloudtrail_region_enabled.yml", "account.amazonaws.com", "EnableRegion", "enableregion",
         "DisableRegion", request={"RegionName": "ap-east-1"}),
    # an ingress rule authorised on a security group; describing groups changes nothing
    Trail("aws_cloudtrail_security_group_change_ingress_egress.yml",
          ec2("AuthorizeSecurityGroupIngress", request={"groupId": "sg-0abc", "ipPermissions": {"items": [
              {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
               "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
          ec2("revokesecuritygroupegress"), ec2("DescribeSecurityGroups")),
    # a load balancer's security groups replaced; describing load balancers changes nothing
    same("aws_cloudtrail_security_group_change_loadbalancer.yml", "elasticloadbalancing.amazonaws.com",
         "SetSecurityGroups", "applysecuritygroupstoloadbalancer", "DescribeLoadBalancers"),
    # an RDS security group opened; describing them changes nothing
    same("aws_cloudtrail_security_group_change_rds.yml", "rds.amazonaws.com", "AuthorizeDBSecurityGroupIngress",
         "DELETEDBSECURITYGROUP", "DescribeDBSecurityGroups"),
    # a Run Command sent (no errorCode: it went out); the same refused did not run
    Trail("aws_cloudtrail_ssm_malicious_usage.yml",
          trail("SendCommand", "ssm.amazonaws.com", request={"documentName": "AWS-RunShellScript",
                                                             "instanceIds": ["i-0abcd1234efgh5678"]}),
          trail("SENDCOMMAND", "SSM.amazonaws.com", request={"documentName": "AWS-RunShellScript"}),
          trail("SendCommand", "ssm.amazonaws.com", request={"documentName": "AWS-RunShellScript"},
                error=("AccessDenied", "User is not authorized to perform: ssm:SendCommand"))),
    # flow logs deleted; the same refused deleted nothing
    Trail("aws_cloudtrail_vpc_flow_logs_deleted.yml", ec2("DeleteFlowLogs", request={"flowLogIds": ["fl-0abc"]}),
          ec2("deleteflowlogs"), ec2("DeleteFlowLogs", error=("Client.UnauthorizedOperation",
                                                               "You are not authorized to perform this operation."))),
    # AWS Config's recorder stopped; starting it is the opposite
    same("aws_config_disable_recording.yml", "config.amazonaws.com", "StopConfigurationRecorder",
         "deletedeliverychannel", "StartConfigurationRecorder"),
    # a sign-in token fetched by a script (aws_consoler uses python-requests); the console's own
    # Jersey client is filtered
    Trail("aws_console_getsignintoken.yml",
          trail("GetSigninToken", "signin.amazonaws.com", agent="python-requests/2.31.0"),
          trail("getsignintoken", "SIGNIN.amazonaws.com", agent="python-requests/2.31.0"),
          trail("GetSigninToken", "signin.amazonaws.com", agent="Jersey/${project.version}")),
    # an SES identity deleted; verifying a new one is not
    same("aws_delete_identity.yml", "ses.amazonaws.com", "DeleteIdentity", "DELETEIDENTITY", "VerifyEmailIdentity",
         request={"identity": "noreply@example.cn"}),
    # the rule also wants status 'success', a key CloudTrail records do not have: the hit and case
    # records carry it (composed to what the rule says); the near miss is the real record, without it
    Trail("aws_delete_saml_provider.yml",
          trail("DeleteSAMLProvider", "iam.amazonaws.com", status="success"),
          trail("deletesamlprovider", "IAM.amazonaws.com", status="SUCCESS"),
          trail("DeleteSAMLProvider", "iam.amazonaws.com")),
    # bucket versioning suspended (text inside the whole request); enabling it is not
    Trail("aws_disable_bucket_versioning.yml",
          trail("PutBucketVersioning", "s3.amazonaws.com", request=versioning("Suspended")),
          trail("putbucketversioning", "S3.amazonaws.com", request=versioning("SUSPENDED")),
          trail("PutBucketVersioning", "s3.amazonaws.com", request=versioning("Enabled"))),
    # EBS default encryption switched off; switching it on is the opposite
    Trail("aws_ec2_disable_encryption.yml", ec2("DisableEbsEncryptionByDefault"),
          ec2("DISABLEEBSENCRYPTIONBYDEFAULT"), ec2("EnableEbsEncryptionByDefault")),
    # a key pair imported; creating one in EC2 is not importing
    Trail("aws_ec2_import_key_pair_activity.yml", ec2("ImportKeyPair", request={"keyName": "ops"}),
          ec2("importkeypair"), ec2("CreateKeyPair")),
    # user data replaced (ModifyInstanceAttribute with Attribute=userData); the instance type is not
    Trail("aws_ec2_startup_script_change.yml",
          ec2("ModifyInstanceAttribute", request={"instanceId": "i-0abc", "attribute": "userData",
                                                  "value": "<sensitiveDataRemoved>"}),
          ec2("MODIFYINSTANCEATTRIBUTE", request={"instanceId": "i-0abc", "attribute": "USERDATA"}),
          ec2("ModifyInstanceAttribute", request={"instanceId": "i-0abc", "attribute": "instanceType",
                                                  "value": "m5.large"})),
    # an instance export task created (no error, the response no Failure); one that failed is filtered
    Trail("aws_ec2_vm_export_failure.yml", ec2("CreateInstanceExportTask", response=EXPORT),
          ec2("createinstanceexporttask", response=EXPORT),
          ec2("CreateInstanceExportTask", error=("NotExportable", "Only imported instances can be exported."))),
    # a task definition whose command reads the container credentials endpoint; an ordinary one does not
    Trail("aws_ecs_task_definition_cred_endpoint_query.yml",
          trail("RegisterTaskDefinition", "ecs.amazonaws.com",
                request=task(["sh", "-c", "curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"])),
          trail("registertaskdefinition", "ECS.amazonaws.com",
                request=task(["sh", "-c", "curl 169.254.170.2$aws_container_credentials_relative_uri"])),
          trail("RegisterTaskDefinition", "ecs.amazonaws.com", request=task(["nginx", "-g", "daemon off;"]))),
    # an EFS file system deleted; describing them changes nothing
    same("aws_efs_fileshare_modified_or_deleted.yml", "elasticfilesystem.amazonaws.com", "DeleteFileSystem",
         "DELETEFILESYSTEM", "DescribeFileSystems"),
    # a mount target deleted; creating one is the opposite
    same("aws_efs_fileshare_mount_modified_or_deleted.yml", "elasticfilesystem.amazonaws.com", "DeleteMountTarget",
         "deletemounttarget", "CreateMountTarget"),
    # an EKS cluster created; describing one changes nothing
    same("aws_eks_cluster_created_or_deleted.yml", "eks.amazonaws.com", "CreateCluster", "DELETECLUSTER",
         "DescribeCluster"),
    # an ElastiCache security group created; describing them changes nothing
    same("aws_elasticache_security_group_created.yml", "elasticache.amazonaws.com", "CreateCacheSecurityGroup",
         "createcachesecuritygroup", "DescribeCacheSecurityGroups"),
    # an ElastiCache security group opened; creating one is the other rule's
    same("aws_elasticache_security_group_modified_or_deleted.yml", "elasticache.amazonaws.com",
         "AuthorizeCacheSecurityGroupIngress", "DELETECACHESECURITYGROUP", "CreateCacheSecurityGroup"),
    # buckets listed by an IAM user; an assumed role (a workload) is filtered
    Trail("aws_enum_buckets.yml", trail("ListBuckets", "s3.amazonaws.com"),
          trail("LISTBUCKETS", "S3.AMAZONAWS.COM"), trail("ListBuckets", "s3.amazonaws.com", who=ROLE)),
    # a trusted IP list created in GuardDuty; listing them changes nothing
    same("aws_guardduty_disruption.yml", "guardduty.amazonaws.com", "CreateIPSet", "createipset", "ListIPSets"),
    # an access key created for bob by alice (the rule's filter compares the caller's ARN with the
    # text 'responseElements.accessKey.userName', never a real ARN); listing keys creates none
    Trail("aws_iam_backdoor_users_keys.yml",
          trail("CreateAccessKey", "iam.amazonaws.com", request={"userName": "bob"}, response=ACCESS_KEY),
          trail("createaccesskey", "IAM.amazonaws.com", request={"userName": "BOB"}, response=ACCESS_KEY),
          trail("ListAccessKeys", "iam.amazonaws.com", request={"userName": "bob"})),
    # S3 Browser giving a user a console password; the CLI doing it is not S3 Browser
    Trail("aws_iam_s3browser_loginprofile_creation.yml",
          trail("CreateLoginProfile", "iam.amazonaws.com", agent=S3_BROWSER, request={"userName": "bob"}),
          trail("getloginprofile", "IAM.amazonaws.com", agent=S3_BROWSER.upper(), request={"userName": "bob"}),
          trail("CreateLoginProfile", "iam.amazonaws.com", request={"userName": "bob"})),
    # S3 Browser's inline policy template with its bucket placeholder; a policy naming a real bucket is not it
    Trail("aws_iam_s3browser_templated_s3_bucket_policy_creation.yml",
          trail("PutUserPolicy", "iam.amazonaws.com", agent=S3_BROWSER, request={
              "userName": "bob", "policyName": "s3", "policyDocument": policy("arn:aws:s3:::<YOUR-BUCKET-NAME>/*")}),
          trail("putuserpolicy", "IAM.amazonaws.com", agent=S3_BROWSER.lower(), request={
              "userName": "bob", "policyName": "s3", "policyDocument": policy("ARN:AWS:S3:::<your-bucket-name>/*")}),
          trail("PutUserPolicy", "iam.amazonaws.com", agent=S3_BROWSER, request={
              "userName": "bob", "policyName": "s3", "policyDocument": policy("arn:aws:s3:::finance-reports/*")})),
    # S3 Browser creating a user; the CLI creating one is not S3 Browser
    Trail("aws_iam_s3browser_user_or_accesskey_creation.yml",
          trail("CreateUser", "iam.amazonaws.com", agent=S3_BROWSER, request={"userName": "bob"}),
          trail("CREATEACCESSKEY", "iam.amazonaws.com", agent=S3_BROWSER.lower(), request={"userName": "bob"}),
          trail("CreateUser", "iam.amazonaws.com", request={"userName": "bob"})),
    # key material imported into KMS; fetching the import parameters is the step before
    same("aws_kms_import_key_material.yml", "kms.amazonaws.com", "ImportKeyMaterial", "deleteimportedkeymaterial",
         "GetParametersForImport"),
    # a function URL configured; reading one changes nothing
    same("aws_lambda_function_url.yml", "lambda.amazonaws.com", "CreateFunctionUrlConfig", "CREATEFUNCTIONURLCONFIG",
         "GetFunctionUrlConfig"),
    # a layer attached (Lambda's versioned action name); a memory change has no layers
    Trail("aws_new_lambda_layer_attached.yml",
          trail("UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com", request={
              "functionName": "orders", "layers": [f"arn:aws:lambda:cn-north-1:{ACCOUNT}:layer:helper:3"]}),
          trail("updatefunctionconfiguration20150331V2", "LAMBDA.amazonaws.com", request={
              "functionName": "orders", "layers": [f"ARN:AWS:LAMBDA:cn-north-1:{ACCOUNT}:layer:helper:3"]}),
          trail("UpdateFunctionConfiguration20150331v2", "lambda.amazonaws.com",
                request={"functionName": "orders", "memorySize": 512})),
    # a Glue development endpoint created; listing them changes nothing
    same("aws_passed_role_to_glue_development_endpoint.yml", "glue.amazonaws.com", "CreateDevEndpoint",
         "updatedevendpoint", "GetDevEndpoints"),
    # a master password change pending; a class change is not one
    Trail("aws_rds_change_master_password.yml", rds_modify({"masterUserPassword": "****"}),
          {**rds_modify({"masterUserPassword": "****"}), "eventName": "MODIFYDBINSTANCE"},
          rds_modify({"dBInstanceClass": "db.m5.large"})),
    # an RDS cluster modified; describing clusters changes nothing
    same("aws_rds_dbcluster_actions.yml", "rds.amazonaws.com", "ModifyDBCluster", "deletedbcluster",
         "DescribeDBClusters"),
    # a snapshot restored as a public instance (a JSON true in the response); a private one is not
    Trail("aws_rds_public_db_restore.yml", rds_restore(True), rds_restore(True, "restoredbinstancefromdbsnapshot"),
          rds_restore(False)),
    # the root user signing in; AWS's own service events under root are filtered
    Trail("aws_root_account_usage.yml", console(who=ROOT), console(who={**ROOT, "type": "ROOT"}),
          trail("CreateServiceLinkedRole", "iam.amazonaws.com", who=ROOT, eventType="AwsServiceEvent")),
    # a domain's transfer lock removed (the rule's event source); putting it back is the opposite
    same("aws_route_53_domain_transferred_lock_disabled.yml", "route53.amazonaws.com", "DisableDomainTransferLock",
         "disabledomaintransferlock", "EnableDomainTransferLock", request={"domainName": "example.cn"}),
    # a domain offered to another account; accepting one from another account is the receiving side
    same("aws_route_53_domain_transferred_to_another_account.yml", "route53.amazonaws.com",
         "TransferDomainToAnotherAwsAccount", "TRANSFERDOMAINTOANOTHERAWSACCOUNT",
         "AcceptDomainTransferFromAnotherAwsAccount", request={"domainName": "example.cn"}),
    # a bucket's logging reconfigured; reading it changes nothing
    same("aws_s3_data_management_tampering.yml", "s3.amazonaws.com", "PutBucketLogging", "restoreobject",
         "GetBucketLogging", request=BUCKET),
    # Security Hub findings updated in bulk; reading them changes nothing
    same("aws_securityhub_finding_evasion.yml", "securityhub.amazonaws.com", "BatchUpdateFindings", "deleteinsight",
         "GetFindings"),
    # a snapshot shared by its permissions; reading them changes nothing
    Trail("aws_snapshot_backup_exfiltration.yml",
          ec2("ModifySnapshotAttribute", request={
              "snapshotId": "snap-0abc", "attributeType": "CREATE_VOLUME_PERMISSION",
              "createVolumePermission": {"add": {"items": [{"userId": "444455556666"}]}}}),
          ec2("MODIFYSNAPSHOTATTRIBUTE"), ec2("DescribeSnapshotAttribute")),
    # an external identity provider switched on for IAM Identity Center; describing directories is not
    same("aws_sso_idp_change.yml", "sso-directory.amazonaws.com", "EnableExternalIdPConfigurationForDirectory",
         "disassociatedirectory", "DescribeDirectories"),
    # a call with an assumed role's session; an IAM user's own keys are not one
    Trail("aws_sts_assumerole_misuse.yml", ec2("DescribeInstances", who=ROLE),
          ec2("DescribeInstances", who={**ROLE, "type": "ASSUMEDROLE", "sessionContext": {
              **ROLE["sessionContext"], "sessionIssuer": {**ROLE["sessionContext"]["sessionIssuer"], "type": "ROLE"}}}),
          ec2("DescribeInstances")),
    # TruffleHog validating a key (its agent inside the header); the CLI's whoami is not it
    Trail("aws_sts_getcalleridentity_trufflehog.yml",
          trail("GetCallerIdentity", "sts.amazonaws.com",
                agent="TruffleHog aws-sdk-go/1.55.5 (go1.22.5; linux; amd64)"),
          trail("getcalleridentity", "STS.amazonaws.com", agent="trufflehog aws-sdk-go/1.55.5"),
          trail("GetCallerIdentity", "sts.amazonaws.com")),
    # an IAM user taking a session token; a role cannot, and an assumed role's call is another identity
    Trail("aws_sts_getsessiontoken_misuse.yml", trail("GetSessionToken", "sts.amazonaws.com"),
          trail("getsessiontoken", "STS.amazonaws.com", who={**USER, "type": "IAMUSER"}),
          trail("GetSessionToken", "sts.amazonaws.com", who=ROOT)),
    # a role assumed through SAML; through web identity it is not SAML
    Trail("aws_susp_saml_activity.yml", trail("AssumeRoleWithSAML", "sts.amazonaws.com"),
          trail("updatesamlprovider", "IAM.amazonaws.com"), trail("AssumeRoleWithWebIdentity", "sts.amazonaws.com")),
    # alice setting bob's console password; the rule filters a caller whose ARN equals the user
    # name asked for, which no real record has (an ARN is never a bare name): the near miss is
    # composed to what the filter says, requestParameters.userName holding the caller's ARN
    Trail("aws_update_login_profile.yml",
          trail("UpdateLoginProfile", "iam.amazonaws.com", request={"userName": "bob", "passwordResetRequired": True}),
          trail("updateloginprofile", "IAM.amazonaws.com", request={"userName": "BOB"}),
          trail("UpdateLoginProfile", "iam.amazonaws.com", request={"userName": USER["arn"]})),
]


def test_every_cloudtrail_rule_has_its_row(corpus: Path) -> None:
    names = [row.rule for row in TRAILS]
    assert len(set(names)) == len(names) == 57
    ruleset = load_rules([corpus / CLOUDTRAIL])
    assert ruleset.errors == []
    active = {ruleset.files[str(r.id)].relative_to(corpus / CLOUDTRAIL).as_posix()
              for r in ruleset.rules if rule_source_status(r)[0]}
    assert active == set(names)


def write_records(log: Path) -> dict[str, tuple[str, str]]:
    """cloudtrail.json, one record per line; returns eventID -> (rule, kind)."""
    owners: dict[str, tuple[str, str]] = {}
    with log.open("w", encoding="utf-8") as out:
        for n, row in enumerate(TRAILS):
            for k, kind in enumerate(KINDS):
                event_id = f"e{n:02d}{k}0000-0000-4000-8000-000000000000"
                stamp = (T0 + timedelta(seconds=3 * n + k)).isoformat().replace("+00:00", "Z")
                out.write(json.dumps({**getattr(row, kind), "eventID": event_id, "eventTime": stamp}) + "\n")
                owners[event_id] = (row.rule, kind)
    return owners


@pytest.mark.es
@pytest.mark.parametrize("kind", ["sqlite", "elasticsearch"])
def test_cloudtrail_rules_fire_on_their_records_only(kind: str, request: pytest.FixtureRequest, corpus: Path,
                                                     tmp_path: Path) -> None:
    store: Store = request.getfixturevalue("sqlite_store" if kind == "sqlite" else "elastic9_store")
    log = tmp_path / "cloudtrail.json"
    owners = write_records(log)
    summary = ingest_file(log, parser_id="aws.cloudtrail", store=store, data_dir=tmp_path / "state")
    assert (summary.receipt.created, summary.parse_failures) == (3 * len(TRAILS), 0)
    ruleset = load_rules([corpus / CLOUDTRAIL / row.rule for row in TRAILS])
    result = detect(store, ruleset)
    assert (result.rules, result.failed, result.no_source) == (len(TRAILS), [], {})
    event_id = {e.id: e.get("aws.cloudtrail.eventID") for e in store.search(Query())}
    fired: dict[str, set[str]] = {}
    for alert in store.alerts():
        rule = ruleset.files[alert.rule_id].relative_to(corpus / CLOUDTRAIL).as_posix()
        fired.setdefault(rule, set()).update(owners[event_id[e]][1] for e in alert.event_ids
                                             if owners[event_id[e]][0] == rule)
    assert {row.rule: fired.get(row.rule, set()) for row in TRAILS} == {row.rule: {"hit", "case"} for row in TRAILS}
