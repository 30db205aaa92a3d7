// Shell commands scored by the shipped rules at the level a reviewer expects: what destroys work
// or data (git, cloud resources, rm -r however padded or brace-expanded) and what widens access,
// next to their harmless neighbours. The detectors one by one: tst_riskdetectors.
#include "server/RiskEngine.h"
#include "support/RiskChecks.h"

#include <QtTest>

using namespace interlock;
using namespace interlock::test;

class TestShellRisk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Shell commands by what they do, at the level a reviewer expects (known false negatives of
    // the review of 2026-12-03 first), and their harmless neighbours.
    void shellCommandsReachTheirLevel_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<RiskLevel>("level");
        QTest::addColumn<QString>("rule"); // the rule that must fire; empty: the level alone
        const auto row = [](const char *c, RiskLevel level, const char *rule = "") {
            QTest::newRow(c) << QString::fromUtf8(c) << level << QString::fromUtf8(rule);
        };
        const RiskLevel low = RiskLevel::Low, high = RiskLevel::High;
        // Work git cannot bring back: as high as a force push.
        const char *git = "shell.git-discard";
        row("git push -f origin main", high, "shell.force-push");
        for (const char *c : {"git reset --hard",
                              "git reset --hard origin/main",
                              "git reset HEAD~3 --hard",
                              "git -C /repo reset --hard",
                              "git clean -fdx",
                              "git clean -ffdx",
                              "git clean -xdf",
                              "git clean -f -d -x",
                              "git clean --force -d",
                              "git -C /repo clean -fdx",
                              "git branch -D feature/x",
                              "git branch --delete --force feature/x",
                              "git -C /repo branch -D x",
                              "git checkout -- .",
                              "git checkout HEAD -- .",
                              "git checkout -f main",
                              "git restore .",
                              "git restore -- .",
                              "git restore --staged --worktree .",
                              "git switch --discard-changes main",
                              "git stash clear",
                              "git stash drop",
                              "git stash drop stash@{0}",
                              "git reflog expire --expire=now --all",
                              "git reflog expire --expire-unreachable=now --all",
                              "git gc --prune=now",
                              "git gc --aggressive --prune=all",
                              "git update-ref -d refs/heads/main",
                              "git filter-branch --tree-filter 'rm -f x' HEAD",
                              "git filter-repo --path secrets --invert-paths"})
            row(c, high, git);
        for (const char *c :
             {"git reset --soft HEAD~1", "git reset HEAD~1", "git clean -n", "git clean -nd",
              "git clean -n -f", "git clean --dry-run -fdx", "git branch -d feature/x",
              "git checkout main", "git checkout -b feat", "git checkout -- README.md",
              "git restore README.md", "git restore --staged .", "git stash list", "git stash pop",
              "git gc", "git gc --auto", "git reflog", "git update-ref HEAD x"})
            row(c, low);
        // Cloud resources deleted outside s3, and permissions changed: an agent widening access
        // is the incident behind Interlock, so a grant is high and one to everyone critical.
        const RiskLevel critical = RiskLevel::Critical;
        const char *destructive = "shell.destructive", *permission = "shell.permission-change",
                   *everyone = "shell.public-grant";
        for (const char *c :
             {"aws ec2 terminate-instances --instance-ids i-0abc",
              "aws rds delete-db-instance --db-instance-identifier db1 --skip-final-snapshot",
              "aws rds delete-db-cluster --db-cluster-identifier c1",
              "aws dynamodb delete-table --table-name users", "aws iam delete-user --user-name bob",
              "aws s3api delete-bucket --bucket b", "aws lambda delete-function --function-name f",
              "aws cloudformation delete-stack --stack-name web",
              "aws --profile x ec2 terminate-instances --instance-ids i-1",
              "gcloud compute instances delete vm1 --zone us-central1-a",
              "gcloud sql instances delete db1", "gcloud projects delete my-project",
              "gcloud --project p container clusters delete c1", "az vm delete -g rg -n vm1 --yes",
              "az group delete -n rg --yes", "gsutil rb gs://b"})
            row(c, high, destructive);
        for (const char *c :
             {"aws iam detach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/x",
              "aws iam put-user-policy --user-name bob --policy-name p --policy-document file://p",
              "aws iam attach-user-policy --user-name bob --policy-arn arn:aws:iam::1:policy/s3",
              "aws --region us-east-1 iam attach-group-policy --group-name g --policy-arn arn:x",
              "aws iam create-access-key --user-name bob",
              "aws s3api put-bucket-policy --bucket b --policy file://policy.json",
              "gcloud projects add-iam-policy-binding p --member user:x@gmail.com --role "
              "roles/viewer",
              "az role assignment create --assignee bob --role Reader --scope /subscriptions/s",
              "kubectl create rolebinding r --clusterrole=view --user=bob"})
            row(c, high, permission);
        for (const char *c :
             {"aws s3api put-bucket-acl --bucket b --acl public-read",
              "aws s3api put-bucket-policy --bucket b --policy "
              "'{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\"}]}'",
              "gcloud projects add-iam-policy-binding p --member allUsers --role roles/viewer",
              "gcloud projects add-iam-policy-binding p --member=group:all-eng@corp.example.com "
              "--role=roles/viewer",
              "gsutil iam ch allUsers:objectViewer gs://b",
              "aws ec2 authorize-security-group-ingress --group-id sg-1 --port 22 --cidr 0.0.0.0/0",
              "az storage container set-permission -n c --public-access container"})
            row(c, critical, everyone);
        // rm -r of a whole system folder after many operands, or spelled with braces.
        const char *wipe = "shell.wipe";
        for (const char *c :
             {"rm -rf a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 /",
              "rm -rf a1 a2 a3 a4 a5 a6 a7 a8 a9 a10 a11 a12 a13 a14 a15 a16 a17 a18 /home",
              "rm -r -f b1 b2 b3 b4 b5 b6 b7 b8 b9 b10 b11 b12 b13 b14 b15 b16 b17 b18 b19 ~/",
              "rm -rf /{home,etc}", "rm -rf {/home,/etc}", "rm -rf /e{t,x}c",
              "rm -rf /home/{alice,bob}", "rm -rf x rm -rf /"})
            row(c, critical, wipe);
        for (const char *c :
             {"aws ec2 describe-instances", "aws iam list-users", "gcloud compute instances list",
              "aws iam get-role --role-name r", "gcloud projects get-iam-policy p", "az vm list",
              "aws sqs delete-message --queue-url q --receipt-handle h",
              "aws autoscaling put-scaling-policy --auto-scaling-group-name g --policy-name p"})
            row(c, low);
    }
    void shellCommandsReachTheirLevel()
    {
        QFETCH(QString, command);
        QFETCH(RiskLevel, level);
        QFETCH(QString, rule);
        const RiskAssessment a = assess(
            submission(QStringLiteral("shell.exec"), {{QStringLiteral("command"), command}}));
        QVERIFY2(a.level == level, qPrintable(reasons(a)));
        if (!rule.isEmpty())
            QVERIFY2(reasons(a).contains(QLatin1Char('"') + rule + QLatin1Char('"')),
                     qPrintable(reasons(a)));
    }
};

QTEST_GUILESS_MAIN(TestShellRisk)
#include "tst_shellrisk.moc"
